//! [`AbstractionError`]: everything that can go wrong building, saving or loading an abstraction.

use std::path::PathBuf;

/// Why an abstraction could not be built, saved or loaded; each variant says what and where.
#[derive(Debug, thiserror::Error)]
pub enum AbstractionError {
    /// The configuration is out of range (which field and why).
    #[error("abstraction config: {0}")]
    Config(String),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The file does not start with the abstraction magic bytes.
    #[error(
        "{path}: not a ponder abstraction file (its first 8 bytes are not the magic `PONDABS\\0`)"
    )]
    BadMagic {
        /// The file.
        path: PathBuf,
    },
    /// The file was written by another format version.
    #[error("{path}: abstraction format version {found}; this build reads version {expected} only (rebuild the abstraction)")]
    Version {
        /// The file.
        path: PathBuf,
        /// Version in the file.
        found: u32,
        /// Version this build reads.
        expected: u32,
    },
    /// The file ends before a section it announces.
    #[error(
        "{path}: truncated: {what} needs {needed} bytes at offset {offset}, but the file has {len}"
    )]
    Truncated {
        /// The file.
        path: PathBuf,
        /// The section being read.
        what: &'static str,
        /// Bytes the section needs.
        needed: u64,
        /// Where the section starts.
        offset: u64,
        /// The file's length.
        len: u64,
    },
    /// The checksum over the file's contents does not match: the file is damaged.
    #[error("{path}: damaged: CRC-32 of bytes 0..{covered} is {computed:08x}, the file stores {stored:08x}")]
    Checksum {
        /// The file.
        path: PathBuf,
        /// Bytes covered by the checksum.
        covered: u64,
        /// Checksum stored in the file.
        stored: u32,
        /// Checksum of the bytes read.
        computed: u32,
    },
    /// The header or a table is malformed although the checksum holds.
    #[error("{path}: malformed {what}: {reason}")]
    Malformed {
        /// The file.
        path: PathBuf,
        /// The section.
        what: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The file holds an abstraction of another configuration than the one asked for.
    #[error("{path}: built with config {found}, but {expected} was asked for")]
    ConfigMismatch {
        /// The file.
        path: PathBuf,
        /// The file's config (JSON).
        found: String,
        /// The expected config (JSON).
        expected: String,
    },
    /// Clustering cannot give the configured number of buckets.
    #[error("{street}: cannot make {buckets} buckets: {reason}")]
    Cluster {
        /// The street's name.
        street: &'static str,
        /// Buckets asked for.
        buckets: u32,
        /// Why not.
        reason: String,
    },
}
