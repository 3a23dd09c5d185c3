//! The abstraction file: `MAGIC` (8 bytes), format version (u32), header length (u32), header
//! (JSON: config, per-street reports, table lengths), fingerprint (u64), the four tables (preflop,
//! flop, turn, river; one byte per entry when the street has at most 256 buckets, else two), CRC-32
//! of every byte before it (u32). Little-endian throughout.
//!
//! Files are read whole rather than memory-mapped: the tables are a few tens of MB at most (the
//! river has no table), reading them once lets the checksum be verified before any bucket is used,
//! and it keeps the crate free of `unsafe` (mapping a file that another process may truncate is
//! undefined behaviour in Rust).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::builder::StreetReport;
use crate::config::{AbstractionConfig, PREFLOP_CLASSES, RIVER_SCORES};
use crate::error::AbstractionError;
use crate::CardAbstraction;

/// The first 8 bytes of every abstraction file.
pub const MAGIC: [u8; 8] = *b"PONDABS\0";
/// The file format this build writes and reads (bumped whenever the layout or a table's meaning
/// changes).
pub const FORMAT_VERSION: u32 = 1;

/// Bytes before the header: magic, version, header length.
const PREAMBLE: usize = 16;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    config: AbstractionConfig,
    reports: Vec<StreetReport>,
    /// Entries of the preflop, flop, turn and river tables.
    tables: [u64; 4],
}

/// Bytes per table entry: one when every bucket fits in a byte.
fn width(buckets: u32) -> u64 {
    if buckets <= 256 {
        1
    } else {
        2
    }
}

/// FNV-1a over the format version, the config and the tables: equal for equal abstractions.
pub(crate) fn fingerprint(config: &AbstractionConfig, tables: [&[u16]; 4]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            hash ^= b as u64;
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    eat(&FORMAT_VERSION.to_le_bytes());
    eat(config.to_json().as_bytes());
    for table in tables {
        eat(&(table.len() as u64).to_le_bytes());
        for &v in table {
            eat(&v.to_le_bytes());
        }
    }
    hash
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> AbstractionError + '_ {
    move |source| AbstractionError::Io {
        path: path.to_path_buf(),
        source,
    }
}

pub(crate) fn save(abstraction: &CardAbstraction, path: &Path) -> Result<(), AbstractionError> {
    let tables = [
        &abstraction.preflop,
        &abstraction.flop,
        &abstraction.turn,
        &abstraction.river,
    ];
    let header = Header {
        config: abstraction.config.clone(),
        reports: abstraction.reports.clone(),
        tables: tables.map(|t| t.len() as u64),
    };
    let header = serde_json::to_vec(&header).expect("header serialises");
    let widths = abstraction.config.buckets.map(width);
    let table_bytes: usize = (0..4).map(|i| tables[i].len() * widths[i] as usize).sum();
    let mut bytes = Vec::with_capacity(PREAMBLE + header.len() + 8 + table_bytes + 4);
    bytes.extend_from_slice(&MAGIC);
    bytes.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    bytes.extend_from_slice(&(header.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&header);
    bytes.extend_from_slice(&abstraction.fingerprint.to_le_bytes());
    for (table, width) in tables.iter().zip(widths) {
        for &v in table.iter() {
            if width == 1 {
                bytes.push(v as u8);
            } else {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
        }
    }
    let crc = crc32fast::hash(&bytes);
    bytes.extend_from_slice(&crc.to_le_bytes());

    let file_name = path.file_name().ok_or_else(|| AbstractionError::Io {
        path: path.to_path_buf(),
        source: std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a file path"),
    })?;
    let mut temp_name = file_name.to_os_string();
    temp_name.push(format!(".tmp-{}", std::process::id()));
    let temp = path.with_file_name(temp_name);
    let write = || -> std::io::Result<()> {
        let mut file = fs::File::create(&temp)?;
        file.write_all(&bytes)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path)?;
        // Makes the rename itself durable; some file systems cannot sync a directory, which only
        // weakens durability, so that error is ignored.
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        if let Ok(dir) = fs::File::open(dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&temp);
        io_error(path)(e)
    })
}

pub(crate) fn load(path: &Path) -> Result<CardAbstraction, AbstractionError> {
    let bytes = fs::read(path).map_err(io_error(path))?;
    let len = bytes.len() as u64;
    let truncated = |what: &'static str, offset: u64, needed: u64| AbstractionError::Truncated {
        path: path.to_path_buf(),
        what,
        needed,
        offset,
        len,
    };
    let malformed = |what: &'static str, reason: String| AbstractionError::Malformed {
        path: path.to_path_buf(),
        what,
        reason,
    };
    if bytes.len() < MAGIC.len() {
        return Err(truncated("the magic bytes", 0, 8));
    }
    if bytes[..8] != MAGIC {
        return Err(AbstractionError::BadMagic {
            path: path.to_path_buf(),
        });
    }
    if bytes.len() < PREAMBLE {
        return Err(truncated("the format version and header length", 8, 8));
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(AbstractionError::Version {
            path: path.to_path_buf(),
            found: version,
            expected: FORMAT_VERSION,
        });
    }
    let checksum = || -> Result<(), AbstractionError> {
        if bytes.len() < PREAMBLE + 4 {
            return Err(truncated("the checksum", len, 4));
        }
        let covered = bytes.len() - 4;
        let stored = u32::from_le_bytes(bytes[covered..].try_into().expect("4 bytes"));
        let computed = crc32fast::hash(&bytes[..covered]);
        if stored != computed {
            return Err(AbstractionError::Checksum {
                path: path.to_path_buf(),
                covered: covered as u64,
                stored,
                computed,
            });
        }
        Ok(())
    };
    let header_len = u32::from_le_bytes(bytes[12..16].try_into().expect("4 bytes")) as u64;
    if len < PREAMBLE as u64 + header_len {
        return Err(truncated("the header", PREAMBLE as u64, header_len));
    }
    let header_end = PREAMBLE + header_len as usize;
    let header: Header = match serde_json::from_slice(&bytes[PREAMBLE..header_end]) {
        Ok(header) => header,
        Err(error) => {
            // A damaged byte is the likelier cause: say so if the checksum agrees.
            checksum()?;
            return Err(malformed("header", error.to_string()));
        }
    };
    let widths = header.config.buckets.map(width);
    let table_bytes = header
        .tables
        .iter()
        .zip(widths)
        .try_fold(0u64, |acc, (&n, w)| acc.checked_add(n.checked_mul(w)?))
        .ok_or_else(|| malformed("header", "table lengths overflow".into()))?;
    let body = header_end as u64 + 8;
    let expected = body
        .checked_add(table_bytes)
        .and_then(|n| n.checked_add(4))
        .ok_or_else(|| malformed("header", "table lengths overflow".into()))?;
    if len < expected {
        return Err(truncated(
            "the fingerprint, tables and checksum",
            header_end as u64,
            expected - header_end as u64,
        ));
    }
    if len > expected {
        return Err(malformed(
            "file",
            format!(
                "{} bytes after the checksum at offset {}",
                len - expected,
                expected - 4
            ),
        ));
    }
    checksum()?;
    header
        .config
        .validate()
        .map_err(|e| malformed("config", e.to_string()))?;
    let indexers = crate::indexers();
    let expected_sizes = [
        PREFLOP_CLASSES as u64,
        indexers[1].size(1),
        indexers[2].size(1),
        RIVER_SCORES as u64,
    ];
    if header.tables != expected_sizes {
        return Err(malformed(
            "header",
            format!(
                "table lengths {:?}, expected {:?}",
                header.tables, expected_sizes
            ),
        ));
    }
    let stored_fingerprint = u64::from_le_bytes(
        bytes[header_end..header_end + 8]
            .try_into()
            .expect("8 bytes"),
    );
    let mut offset = header_end + 8;
    let mut tables: Vec<Vec<u16>> = Vec::with_capacity(4);
    for (street, &n) in header.tables.iter().enumerate() {
        let n = n as usize;
        let w = widths[street] as usize;
        let table: Vec<u16> = if w == 1 {
            bytes[offset..offset + n]
                .iter()
                .map(|&b| b as u16)
                .collect()
        } else {
            bytes[offset..offset + 2 * n]
                .chunks_exact(2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]))
                .collect()
        };
        let buckets = header.config.buckets[street];
        if let Some(position) = table.iter().position(|&b| b as u32 >= buckets) {
            return Err(malformed(
                "table",
                format!(
                    "{} entry {position} is bucket {}, but the street has {buckets}",
                    crate::STREET_NAMES[street],
                    table[position]
                ),
            ));
        }
        offset += w * n;
        tables.push(table);
    }
    let river = tables.pop().expect("four tables");
    let turn = tables.pop().expect("four tables");
    let flop = tables.pop().expect("four tables");
    let preflop = tables.pop().expect("four tables");
    let abstraction =
        CardAbstraction::from_parts(header.config, preflop, flop, turn, river, header.reports);
    if abstraction.fingerprint != stored_fingerprint {
        return Err(malformed(
            "fingerprint",
            format!(
                "stored {stored_fingerprint:016x}, contents give {:016x}",
                abstraction.fingerprint
            ),
        ));
    }
    Ok(abstraction)
}
