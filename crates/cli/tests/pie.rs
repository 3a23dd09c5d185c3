//! `ponder` is a position-independent executable (checksec's "PIE enabled"): its ELF header says
//! `ET_DYN` and it asks for a program interpreter (`PT_INTERP`), which a shared library does not. The
//! binary parses network input (ACPC dealer and client), so its image must be loaded at a random address.

#![cfg(target_os = "linux")]

/// ELF object type of a position-independent executable (or shared library).
const ET_DYN: u16 = 3;
/// Program header type naming the program interpreter (the dynamic loader).
const PT_INTERP: u32 = 3;

/// Reads a little- or big-endian unsigned integer of `N` bytes at `offset`.
fn read<const N: usize>(bytes: &[u8], offset: usize, little: bool) -> u64 {
    let field: [u8; N] = bytes[offset..offset + N].try_into().unwrap();
    let mut value = 0u64;
    for i in 0..N {
        let byte = if little { field[N - 1 - i] } else { field[i] };
        value = (value << 8) | u64::from(byte);
    }
    value
}

/// The ELF type and the program header types of an ELF file.
fn elf_type_and_segments(bytes: &[u8]) -> (u16, Vec<u32>) {
    assert_eq!(&bytes[..4], b"\x7fELF", "not an ELF file");
    let wide = match bytes[4] {
        1 => false,
        2 => true,
        class => panic!("unknown ELF class {class}"),
    };
    let little = match bytes[5] {
        1 => true,
        2 => false,
        data => panic!("unknown ELF data encoding {data}"),
    };
    let e_type = read::<2>(bytes, 16, little) as u16;
    // e_phoff, e_phentsize and e_phnum sit at different offsets in the 32- and 64-bit headers.
    let (phoff, phentsize, phnum) = if wide {
        (
            read::<8>(bytes, 32, little),
            read::<2>(bytes, 54, little),
            read::<2>(bytes, 56, little),
        )
    } else {
        (
            read::<4>(bytes, 28, little),
            read::<2>(bytes, 42, little),
            read::<2>(bytes, 44, little),
        )
    };
    let segments = (0..phnum)
        .map(|i| read::<4>(bytes, (phoff + i * phentsize) as usize, little) as u32)
        .collect();
    (e_type, segments)
}

#[test]
fn ponder_is_a_position_independent_executable() {
    let bytes = std::fs::read(env!("CARGO_BIN_EXE_ponder")).expect("the built ponder binary");
    let (e_type, segments) = elf_type_and_segments(&bytes);
    assert_eq!(
        e_type, ET_DYN,
        "ponder's ELF type is {e_type}, not ET_DYN (3): it is linked -no-pie"
    );
    assert!(
        segments.contains(&PT_INTERP),
        "ponder has no PT_INTERP program header: an ET_DYN without one is a shared library, not a PIE"
    );
}

#[test]
fn the_reader_tells_a_fixed_address_executable_apart() {
    // A minimal 64-bit little-endian header of an ET_EXEC file with one PT_LOAD program header.
    let mut bytes = vec![0u8; 64 + 56];
    bytes[..4].copy_from_slice(b"\x7fELF");
    bytes[4] = 2;
    bytes[5] = 1;
    bytes[16] = 2; // ET_EXEC
    bytes[32] = 64; // e_phoff
    bytes[54] = 56; // e_phentsize
    bytes[56] = 1; // e_phnum
    bytes[64] = 1; // PT_LOAD
    assert_eq!(elf_type_and_segments(&bytes), (2, vec![1]));
}
