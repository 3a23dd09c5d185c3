//! Checkpoint and strategy files: versioned, checksummed (CRC-32 of everything before it), written
//! crash-safely (temporary file, fsync, atomic rename, fsync of the directory).
//!
//! Layout: `PONDERBP`, format version (u32 LE), kind (u32 LE), header length (u32 LE), header (JSON),
//! payload (little-endian values), CRC-32 (u32 LE).

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::BlueprintError;

/// Format version of checkpoint and strategy files.
pub const FORMAT_VERSION: u32 = 1;
const MAGIC: &[u8; 8] = b"PONDERBP";
/// Largest header accepted (a damaged length must not allocate gigabytes).
const MAX_HEADER: u32 = 1 << 20;

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Regrets (`i32`) then strategy sums (`f32`): the trainer's state.
    Checkpoint = 1,
    /// The average strategy (`u16`, 65535 = 1).
    Strategy = 2,
}

/// What a file was trained for and how far.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Header {
    /// Fingerprint of the configuration.
    pub config: u64,
    /// Fingerprint of the betting tree and its slot layout.
    pub tree: u64,
    /// Fingerprint of the card abstraction.
    pub abstraction: u64,
    /// Number of slots (values per array).
    pub slots: u64,
    /// Iterations done.
    pub iteration: u64,
    /// Information-set updates done.
    pub updates: u64,
    /// Training seconds so far.
    pub seconds: f64,
}

/// FNV-1a, 64-bit: fingerprints of configs and trees.
pub struct Fnv(u64);

impl Fnv {
    /// The offset basis.
    pub fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    /// Hashes more bytes.
    pub fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
        }
    }
    /// The hash.
    pub fn finish(&self) -> u64 {
        self.0
    }
}

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv::new()
    }
}

/// FNV-1a of a byte string.
pub fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h = Fnv::new();
    h.write(bytes);
    h.finish()
}

struct CrcWriter<W: Write> {
    inner: W,
    crc: flate2::Crc,
}

impl<W: Write> CrcWriter<W> {
    fn put(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.crc.update(bytes);
        self.inner.write_all(bytes)
    }
}

/// Writes `path` crash-safely: `fill` writes the payload after the header; then the checksum, fsync,
/// rename over `path`, fsync of the directory.
pub fn write_file(
    path: &Path,
    kind: Kind,
    header: &Header,
    fill: impl FnOnce(&mut dyn FnMut(&[u8]) -> std::io::Result<()>) -> std::io::Result<()>,
) -> Result<(), BlueprintError> {
    let io = |error: std::io::Error| BlueprintError::Io {
        path: path.display().to_string(),
        error,
    };
    let tmp = path.with_extension("tmp");
    let file = File::create(&tmp).map_err(io)?;
    let mut w = CrcWriter {
        inner: BufWriter::with_capacity(1 << 20, file),
        crc: flate2::Crc::new(),
    };
    let json = serde_json::to_vec(header).expect("a header serialises");
    let result = (|| {
        w.put(MAGIC)?;
        w.put(&FORMAT_VERSION.to_le_bytes())?;
        w.put(&(kind as u32).to_le_bytes())?;
        w.put(&(json.len() as u32).to_le_bytes())?;
        w.put(&json)?;
        fill(&mut |bytes| w.put(bytes))?;
        let sum = w.crc.sum();
        w.inner.write_all(&sum.to_le_bytes())?;
        let file = w.inner.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()
    })();
    result.map_err(io)?;
    std::fs::rename(&tmp, path).map_err(io)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Ok(dir) = File::open(dir) {
            dir.sync_all().map_err(io)?;
        }
    }
    Ok(())
}

/// An open file whose header has been read; the payload follows.
pub struct Reader {
    inner: BufReader<File>,
    crc: flate2::Crc,
    path: String,
    /// The header.
    pub header: Header,
}

impl Reader {
    /// Opens `path`, checks magic, version and kind, reads the header.
    pub fn open(path: &Path, kind: Kind) -> Result<Reader, BlueprintError> {
        let name = path.display().to_string();
        let file = File::open(path).map_err(|error| BlueprintError::Io {
            path: name.clone(),
            error,
        })?;
        let damaged = |why: &str| BlueprintError::Damaged {
            path: name.clone(),
            why: why.to_string(),
        };
        let mut inner = BufReader::with_capacity(1 << 20, file);
        let mut crc = flate2::Crc::new();
        let mut fixed = [0u8; 20];
        inner
            .read_exact(&mut fixed)
            .map_err(|_| damaged("shorter than a header"))?;
        crc.update(&fixed);
        if &fixed[..8] != MAGIC {
            return Err(damaged("not a ponder blueprint file"));
        }
        let word = |i: usize| u32::from_le_bytes(fixed[i..i + 4].try_into().expect("4 bytes"));
        if word(8) != FORMAT_VERSION {
            return Err(BlueprintError::Version {
                path: name,
                found: word(8),
                expected: FORMAT_VERSION,
            });
        }
        if word(12) != kind as u32 {
            return Err(damaged("holds another kind of data"));
        }
        let len = word(16);
        if len > MAX_HEADER {
            return Err(damaged("header length out of range"));
        }
        let mut json = vec![0u8; len as usize];
        inner
            .read_exact(&mut json)
            .map_err(|_| damaged("truncated header"))?;
        crc.update(&json);
        let header: Header =
            serde_json::from_slice(&json).map_err(|_| damaged("unreadable header"))?;
        let expected_len = 20
            + u64::from(len)
            + header.slots.saturating_mul(match kind {
                Kind::Checkpoint => 8,
                Kind::Strategy => 2,
            })
            + 4;
        let actual = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        if actual != expected_len {
            return Err(damaged(&format!(
                "{actual} bytes where the header implies {expected_len} (truncated or extended)"
            )));
        }
        Ok(Reader {
            inner,
            crc,
            path: name,
            header,
        })
    }

    /// Reads `count` values of `N` bytes each, passing each to `each`.
    pub fn read_values<const N: usize>(
        &mut self,
        count: u64,
        mut each: impl FnMut([u8; N]),
    ) -> Result<(), BlueprintError> {
        let mut buffer = vec![0u8; (1 << 16) * N];
        let mut left = count as usize;
        while left > 0 {
            let take = left.min(1 << 16);
            let bytes = &mut buffer[..take * N];
            self.inner
                .read_exact(bytes)
                .map_err(|_| BlueprintError::Damaged {
                    path: self.path.clone(),
                    why: "truncated payload".into(),
                })?;
            self.crc.update(bytes);
            for chunk in bytes.chunks_exact(N) {
                each(chunk.try_into().expect("N bytes"));
            }
            left -= take;
        }
        Ok(())
    }

    /// Checks the checksum at the end.
    pub fn finish(mut self) -> Result<(), BlueprintError> {
        let mut stored = [0u8; 4];
        let damaged = |why: &str| BlueprintError::Damaged {
            path: self.path.clone(),
            why: why.into(),
        };
        self.inner
            .read_exact(&mut stored)
            .map_err(|_| damaged("missing checksum"))?;
        if u32::from_le_bytes(stored) != self.crc.sum() {
            return Err(damaged(
                "checksum mismatch: the file was damaged after it was written",
            ));
        }
        Ok(())
    }
}

/// Reads a whole file of `kind`: its header and raw payload bytes, checksum checked (for tools and
/// tests that compare runs; the trainer and the blueprint read values as they go).
pub fn read_payload(path: &Path, kind: Kind) -> Result<(Header, Vec<u8>), BlueprintError> {
    let mut reader = Reader::open(path, kind)?;
    let bytes_per_slot = match kind {
        Kind::Checkpoint => 8,
        Kind::Strategy => 2,
    };
    let mut out = Vec::new();
    reader.read_values::<1>(reader.header.slots * bytes_per_slot, |[b]| out.push(b))?;
    let header = reader.header.clone();
    reader.finish()?;
    Ok((header, out))
}
