//! The solve-file format (version 3): magic, version, then one deflate stream holding the JSON header,
//! the stored values and a CRC-32 of both. Written crash-safely (temporary file, fsync, rename); read
//! header first, so the stored spot is checked before its values are allocated.

use std::io::{Read, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::SolveError;
use crate::game::Game;
use crate::memory::{check_memory, MemoryEstimate};
use crate::prepare::PreparedSpot;
use crate::solver::{AnySolver, Solver};
use crate::spot::SpotFile;
use crate::storage::{StoredValue, Q16};

const MAGIC: &[u8; 8] = b"PONDERPF";
/// Version of the solve-file format; files of another version are refused. Version 2 ends the compressed
/// stream with a CRC-32 of everything before it, so a damaged file is refused instead of misread; version 3
/// records the storage kind (`compressed`: 16-bit values with per-node scales, else f32).
pub const FILE_VERSION: u32 = 3;

/// What a solve file records besides the storage.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SolveHeader {
    /// Crate version that wrote it.
    pub writer: String,
    /// The spot.
    pub spot: SpotFile,
    /// Iterations completed.
    pub iteration: u32,
    /// True when the values are 16-bit compressed ([`Q16`], per-node scales included), else f32.
    pub compressed: bool,
    /// Stored values.
    pub storage_len: u64,
    /// Last exploitability measured (% pot), if any.
    pub exploitability_pct: Option<f64>,
    /// [`layout_fingerprint`] of the game the storage belongs to (absent in the first version-2 files).
    #[serde(default)]
    pub layout: Option<u64>,
}

impl SolveHeader {
    /// Refuses `storage` for `game` unless it was written for exactly this layout (a ponder whose tree
    /// builder differs would otherwise read regrets into the wrong nodes).
    pub fn check_layout(&self, game: &Game, path: &str) -> Result<(), SolveError> {
        let file_error = |message: String| SolveError::File {
            path: path.to_string(),
            message,
        };
        if self.storage_len != game.storage_len as u64 {
            return Err(file_error(format!(
                "the stored solve has {} values but the spot's tree needs {} (written by another version?)",
                self.storage_len, game.storage_len
            )));
        }
        if self
            .layout
            .is_some_and(|layout| layout != layout_fingerprint(game))
        {
            return Err(file_error(
                "the stored solve was written for another game tree (another ponder version?); re-solve the spot"
                    .into(),
            ));
        }
        Ok(())
    }
}

/// A hash (FNV-1a) of everything that decides where a value sits in the storage: nodes, their kinds,
/// children and storage offsets, hands, weights and dealt cards.
pub fn layout_fingerprint(game: &Game) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    let mut eat = |value: u64| {
        for byte in value.to_le_bytes() {
            hash = (hash ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    for node in &game.nodes {
        let kind = match node.kind {
            crate::game::NodeKind::Player(p) => p.index() as u64,
            crate::game::NodeKind::Chance => 2,
            crate::game::NodeKind::Fold(p) => 3 + p.index() as u64,
            crate::game::NodeKind::Showdown(board) => 5 + ((board.0 as u64) << 8),
        };
        eat(kind);
        eat(node.num_children as u64);
        eat(node.storage_start as u64);
    }
    for hands in &game.hands {
        for (&(a, b), &w) in hands.cards.iter().zip(&hands.weights) {
            eat(((a as u64) << 40) | ((b as u64) << 32) | w.to_bits() as u64);
        }
    }
    for chance in &game.chances {
        for &card in &chance.child_cards {
            eat(card as u64);
        }
    }
    hash
}

/// The temporary file a write of `path` goes through (`.NAME.tmpPID` beside it): one per process, so
/// two processes writing the same path never share one.
fn temporary_path(path: &Path) -> Option<std::path::PathBuf> {
    let name = path.file_name()?;
    Some(directory_of(path).join(format!(
        ".{}.tmp{}",
        name.to_string_lossy(),
        std::process::id()
    )))
}

/// The directory a file path is in (`.` for a bare name).
fn directory_of(path: &Path) -> &Path {
    path.parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// Removes the temporary files that killed writes of `path` left behind (`.NAME.tmpPID` of a process
/// that no longer runs). Where process ids cannot be checked (no `/proc`), nothing is removed.
fn remove_orphans(path: &Path) {
    let (Some(name), true) = (path.file_name(), Path::new("/proc/self").exists()) else {
        return;
    };
    let prefix = format!(".{}.tmp", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(directory_of(path)) else {
        return;
    };
    for entry in entries.flatten() {
        let file_name = entry.file_name();
        let Some(pid) = file_name.to_str().and_then(|n| n.strip_prefix(&prefix)) else {
            continue;
        };
        let alive = Path::new("/proc").join(pid).exists();
        if !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()) && !alive {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Checks, before a long solve, that a solve file can be written at `path` (its directory exists and
/// takes a new file), so a mistyped `--output` is refused at once instead of after the solve.
pub fn check_writable(path: &Path) -> Result<(), SolveError> {
    let file_error = |message: String| SolveError::File {
        path: path.display().to_string(),
        message,
    };
    if path.is_dir() {
        return Err(file_error("is a directory, not a file".into()));
    }
    let temporary = temporary_path(path).ok_or_else(|| file_error("not a file name".into()))?;
    std::fs::File::create(&temporary)
        .map_err(|e| file_error(format!("cannot write the solve file here: {e}")))?;
    let _ = std::fs::remove_file(&temporary);
    Ok(())
}

/// Writes a solve file crash-safely: temporary file, fsync, rename, fsync of the directory. Temporary
/// files left by killed writes of the same path are removed first.
pub fn save<S: StoredValue>(
    path: &Path,
    spot: &SpotFile,
    solver: &Solver<S>,
    exploitability_pct: Option<f64>,
) -> Result<(), SolveError> {
    let file_error = |message: String| SolveError::File {
        path: path.display().to_string(),
        message,
    };
    let header = SolveHeader {
        writer: env!("CARGO_PKG_VERSION").to_string(),
        spot: spot.clone(),
        iteration: solver.iteration,
        compressed: S::COMPRESSED,
        storage_len: solver.storage.len() as u64,
        exploitability_pct,
        layout: Some(layout_fingerprint(&solver.game)),
    };
    let header_json = serde_json::to_vec(&header).map_err(|e| file_error(e.to_string()))?;
    let directory = directory_of(path);
    let temporary = temporary_path(path).ok_or_else(|| file_error("not a file name".into()))?;
    remove_orphans(path);
    let write = || -> std::io::Result<()> {
        let file = std::fs::File::create(&temporary)?;
        let mut writer = std::io::BufWriter::new(file);
        writer.write_all(MAGIC)?;
        writer.write_all(&FILE_VERSION.to_le_bytes())?;
        let mut encoder = flate2::write::DeflateEncoder::new(writer, flate2::Compression::fast());
        let mut crc = flate2::Crc::new();
        let length = (header_json.len() as u64).to_le_bytes();
        for part in [&length[..], &header_json] {
            crc.update(part);
            encoder.write_all(part)?;
        }
        let mut buffer = Vec::with_capacity(1 << 16);
        for chunk in solver.storage.chunks(1 << 14) {
            buffer.clear();
            for &value in chunk {
                value.write_le(&mut buffer);
            }
            crc.update(&buffer);
            encoder.write_all(&buffer)?;
        }
        encoder.write_all(&crc.sum().to_le_bytes())?;
        let writer = encoder.finish()?;
        let file = writer.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temporary, path)?;
        if let Ok(dir) = std::fs::File::open(directory) {
            let _ = dir.sync_all();
        }
        Ok(())
    };
    write().map_err(|e| {
        let _ = std::fs::remove_file(&temporary);
        file_error(format!("cannot write solve file: {e}"))
    })
}

/// Regrets and strategy sums read from a solve file, of the kind they were stored as.
#[derive(Debug)]
pub enum StoredValues {
    /// 32-bit storage.
    Full(Vec<f32>),
    /// 16-bit compressed storage.
    Compressed(Vec<Q16>),
}

/// A solve file opened and its header read, the values not yet: callers check the stored spot (its
/// size against `--max-memory`) before [`SolveFileReader::read_values`] allocates the storage.
pub struct SolveFileReader {
    /// The header.
    pub header: SolveHeader,
    path: std::path::PathBuf,
    decoder: flate2::bufread::DeflateDecoder<std::io::BufReader<std::fs::File>>,
    crc: flate2::Crc,
}

impl SolveFileReader {
    /// Opens a solve file and reads its header; refuses other formats and versions.
    pub fn open(path: &Path) -> Result<SolveFileReader, SolveError> {
        let file_error = |message: String| SolveError::File {
            path: path.display().to_string(),
            message,
        };
        let file =
            std::fs::File::open(path).map_err(|e| file_error(format!("cannot open: {e}")))?;
        let mut reader = std::io::BufReader::new(file);
        let mut magic = [0u8; 8];
        reader
            .read_exact(&mut magic)
            .map_err(|_| file_error("not a ponder solve file (too short)".into()))?;
        if &magic != MAGIC {
            return Err(file_error("not a ponder solve file".into()));
        }
        let mut version = [0u8; 4];
        reader
            .read_exact(&mut version)
            .map_err(|_| file_error("truncated solve file".into()))?;
        let version = u32::from_le_bytes(version);
        if version != FILE_VERSION {
            return Err(file_error(format!(
                "solve file format version {version}; this ponder reads version {FILE_VERSION} only (re-solve the spot)"
            )));
        }
        // The buffered decoder consumes exactly the compressed stream, so whatever follows it in the
        // file can be seen (and refused) afterwards.
        let mut decoder = flate2::bufread::DeflateDecoder::new(reader);
        let mut crc = flate2::Crc::new();
        let mut length = [0u8; 8];
        decoder
            .read_exact(&mut length)
            .map_err(|e| file_error(format!("corrupt solve file: {e}")))?;
        crc.update(&length);
        let length = u64::from_le_bytes(length);
        if length > 1 << 26 {
            return Err(file_error("corrupt solve file (header length)".into()));
        }
        let mut header_json = vec![0u8; length as usize];
        decoder
            .read_exact(&mut header_json)
            .map_err(|e| file_error(format!("corrupt solve file: {e}")))?;
        crc.update(&header_json);
        let header: SolveHeader = serde_json::from_slice(&header_json)
            .map_err(|e| file_error(format!("corrupt solve header: {e}")))?;
        Ok(SolveFileReader {
            header,
            path: path.to_path_buf(),
            decoder,
            crc,
        })
    }

    /// Bytes the stored values take in memory.
    pub fn values_bytes(&self) -> u64 {
        let bytes = if self.header.compressed {
            Q16::BYTES
        } else {
            f32::BYTES
        };
        self.header.storage_len.saturating_mul(bytes as u64)
    }

    /// Reads the values (of the kind the header records) and checks the checksum and the end of the file.
    pub fn read_values(mut self) -> Result<StoredValues, SolveError> {
        let path = self.path.display().to_string();
        let file_error = |message: String| SolveError::File {
            path: path.clone(),
            message,
        };
        let len = self.header.storage_len;
        let storage = if self.header.compressed {
            StoredValues::Compressed(
                read_values(&mut self.decoder, &mut self.crc, len).map_err(file_error)?,
            )
        } else {
            StoredValues::Full(
                read_values(&mut self.decoder, &mut self.crc, len).map_err(file_error)?,
            )
        };
        let mut stored = [0u8; 4];
        self.decoder
            .read_exact(&mut stored)
            .map_err(|e| file_error(format!("truncated solve file: {e}")))?;
        if u32::from_le_bytes(stored) != self.crc.sum() {
            return Err(file_error(
                "corrupt solve file (checksum mismatch): the file was damaged after it was written"
                    .into(),
            ));
        }
        let mut rest = [0u8; 1];
        if !matches!(self.decoder.read(&mut rest), Ok(0)) {
            return Err(file_error("corrupt solve file (data after the end)".into()));
        }
        // Bytes after the compressed stream were not written by ponder.
        let mut file = self.decoder.into_inner();
        if !matches!(file.read(&mut rest), Ok(0)) {
            return Err(file_error(
                "corrupt solve file (bytes after the end of the compressed data)".into(),
            ));
        }
        Ok(storage)
    }
}

/// Reads `len` values of kind `S`, updating the checksum.
fn read_values<S: StoredValue>(
    decoder: &mut impl Read,
    crc: &mut flate2::Crc,
    len: u64,
) -> Result<Vec<S>, String> {
    let mut storage = Vec::new();
    storage
        .try_reserve_exact(len as usize)
        .map_err(|_| format!("cannot allocate {len} values"))?;
    let mut buffer = vec![0u8; 1 << 16];
    let mut remaining = len as usize * S::BYTES;
    while remaining > 0 {
        let take = remaining.min(buffer.len());
        decoder
            .read_exact(&mut buffer[..take])
            .map_err(|e| format!("truncated solve file: {e}"))?;
        crc.update(&buffer[..take]);
        storage.extend(buffer[..take].chunks_exact(S::BYTES).map(S::read_le));
        remaining -= take;
    }
    Ok(storage)
}

/// Reads a solve file's header and storage (of the kind it records); refuses other versions and
/// truncated or damaged files. Reads whatever size the file declares: for files from users, open a
/// [`SolveFileReader`] and check the spot first (as [`load_solver`] does).
pub fn load(path: &Path) -> Result<(SolveHeader, StoredValues), SolveError> {
    let reader = SolveFileReader::open(path)?;
    let header = reader.header.clone();
    Ok((header, reader.read_values()?))
}

/// Reads a solve file that must hold values of kind `S`; a file of the other kind is refused.
pub fn load_as<S: StoredValue>(path: &Path) -> Result<(SolveHeader, Vec<S>), SolveError> {
    let (header, values) = load(path)?;
    let kind = |compressed: bool| {
        if compressed {
            "16-bit compressed"
        } else {
            "32-bit"
        }
    };
    let mismatch = SolveError::File {
        path: path.display().to_string(),
        message: format!(
            "the solve file stores {} values, not {}",
            kind(header.compressed),
            kind(S::COMPRESSED)
        ),
    };
    // Values are moved through `dyn Any` so a file of the other kind is refused, never reinterpreted.
    let values: Box<dyn std::any::Any> = match values {
        StoredValues::Full(v) => Box::new(v),
        StoredValues::Compressed(v) => Box::new(v),
    };
    match values.downcast::<Vec<S>>() {
        Ok(values) => Ok((header, *values)),
        Err(_) => Err(mismatch),
    }
}

/// Reads a solve file and rebuilds its solver (the game is dealt again from the stored spot). The stored
/// spot is checked against `max_bytes` (dealt-node bound, then the full estimate for the file's storage
/// kind) and the header against the dealt game before the values are read, so a file naming a huge spot
/// is refused without allocating it.
pub fn load_solver(path: &Path, max_bytes: u64) -> Result<(SolveHeader, AnySolver), SolveError> {
    let (reader, game) = open_checked(path, max_bytes)?;
    let header = reader.header.clone();
    let solver = match reader.read_values()? {
        StoredValues::Full(v) => AnySolver::Full(solver_from_values(path, &header, game, v)?),
        StoredValues::Compressed(v) => {
            AnySolver::Compressed(solver_from_values(path, &header, game, v)?)
        }
    };
    Ok((header, solver))
}

/// Opens a solve file, prepares and deals its stored spot within `max_bytes` and checks that the
/// header's storage fits the dealt game, all before any value is read.
pub fn open_checked(path: &Path, max_bytes: u64) -> Result<(SolveFileReader, Game), SolveError> {
    let reader = SolveFileReader::open(path)?;
    let header = &reader.header;
    let prepared = PreparedSpot::new(header.spot.clone())?;
    prepared.check_dealt_size(max_bytes)?;
    let mut game = prepared.game();
    check_memory(&MemoryEstimate::of(&game), header.compressed, max_bytes)?;
    let kind_header = if header.compressed {
        Q16::HEADER
    } else {
        f32::HEADER
    };
    game.lay_out_storage(kind_header);
    header.check_layout(&game, &path.display().to_string())?;
    Ok((reader, game))
}

/// A solver over values read from the solve file `path`; refuses values that do not fit the game.
pub fn solver_from_values<S: StoredValue>(
    path: &Path,
    header: &SolveHeader,
    mut game: Game,
    values: Vec<S>,
) -> Result<Solver<S>, SolveError> {
    // The fingerprint covers storage offsets, so it is taken on the layout of the stored kind.
    game.lay_out_storage(S::HEADER);
    header.check_layout(&game, &path.display().to_string())?;
    if values.len() != game.storage_len || header.compressed != S::COMPRESSED {
        return Err(SolveError::File {
            path: path.display().to_string(),
            message: "the stored values do not match the file's header".into(),
        });
    }
    let mut solver = Solver::with_storage(game, values);
    solver.iteration = header.iteration;
    Ok(solver)
}
