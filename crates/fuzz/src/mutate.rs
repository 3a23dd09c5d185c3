//! Seeded mutations of inputs: byte-level ones, and structure-aware ones that work on the tokens of a
//! text format (a target's dictionary of keywords, numbers at the edges of every integer type, repeated
//! chunks for depth and size, multi-byte characters for column arithmetic).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Numbers at the edges of the integer and float types a parser may convert to.
pub const INTERESTING_NUMBERS: &[&str] = &[
    "0",
    "1",
    "-1",
    "2",
    "3",
    "7",
    "-0",
    "0.0",
    "0.5",
    "1.5",
    "127",
    "128",
    "255",
    "256",
    "-129",
    "1000",
    "65535",
    "65536",
    "1073741824",
    "2147483647",
    "2147483648",
    "-2147483649",
    "4294967295",
    "4294967296",
    "9007199254740993",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999",
    "1e308",
    "1e309",
    "-1e309",
    "1e-320",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "+1",
    "0x10",
    "1_000",
];

/// Characters of several UTF-8 lengths, for code that mixes byte offsets and character columns.
const WIDE_CHARS: &[&str] = &[
    "é", "한", "😀", "\u{0}", "\u{feff}", "\u{202e}", "ß", "\t", "\r\n",
];

/// A seeded source of mutations (the same seed gives the same sequence of inputs).
pub struct Mutator {
    rng: ChaCha8Rng,
}

impl Mutator {
    /// A mutator whose choices follow `seed`.
    pub fn new(seed: u64) -> Mutator {
        Mutator {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// The random source, for format-aware mutations of a target.
    pub fn rng(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }

    /// `input` changed by one to four stacked mutations; `other` is another input to splice from;
    /// the result is at most `max_len` bytes.
    pub fn mutate(
        &mut self,
        input: &[u8],
        dictionary: &[&str],
        other: &[u8],
        max_len: usize,
    ) -> Vec<u8> {
        let mut data = input.to_vec();
        let rounds = 1 + self
            .rng
            .gen_range(0..4usize)
            .min(self.rng.gen_range(0..4usize));
        for _ in 0..rounds {
            self.mutate_once(&mut data, dictionary, other);
        }
        data.truncate(max_len);
        data
    }

    fn position(&mut self, data: &[u8]) -> usize {
        self.rng.gen_range(0..=data.len())
    }

    /// A range `start..end` inside `data` (empty when `data` is).
    fn span(&mut self, data: &[u8]) -> (usize, usize) {
        let start = self.position(data);
        let longest = (data.len() - start).min(if self.rng.gen_bool(0.8) { 8 } else { 64 });
        let end = start + self.rng.gen_range(0..=longest);
        (start, end)
    }

    fn token<'a>(&mut self, dictionary: &[&'a str]) -> &'a str {
        if dictionary.is_empty() || self.rng.gen_bool(0.25) {
            INTERESTING_NUMBERS[self.rng.gen_range(0..INTERESTING_NUMBERS.len())]
        } else {
            dictionary[self.rng.gen_range(0..dictionary.len())]
        }
    }

    fn mutate_once(&mut self, data: &mut Vec<u8>, dictionary: &[&str], other: &[u8]) {
        match self.rng.gen_range(0..16) {
            0 if !data.is_empty() => {
                let i = self.rng.gen_range(0..data.len());
                data[i] ^= 1 << self.rng.gen_range(0..8);
            }
            1 if !data.is_empty() => {
                let i = self.rng.gen_range(0..data.len());
                data[i] = self.byte();
            }
            2 => {
                let at = self.position(data);
                let count = self.rng.gen_range(1..=4);
                for _ in 0..count {
                    let byte = self.byte();
                    data.insert(at, byte);
                }
            }
            3 => {
                let (start, end) = self.span(data);
                data.drain(start..end);
            }
            4 => {
                let (start, end) = self.span(data);
                let chunk = data[start..end].to_vec();
                let at = self.position(data);
                data.splice(at..at, chunk);
            }
            5 | 6 => {
                let token = self.token(dictionary).as_bytes().to_vec();
                let at = self.position(data);
                data.splice(at..at, token);
            }
            7 | 8 => self.replace_word(data, dictionary),
            9 | 10 => self.replace_number(data),
            11 if !other.is_empty() => {
                let cut = self.position(data);
                let from = self.rng.gen_range(0..=other.len());
                data.truncate(cut);
                data.extend_from_slice(&other[from..]);
            }
            12 => {
                // Many copies of a small chunk: nesting depth, long lists, huge numbers.
                let (start, end) = self.span(data);
                let end = end.min(start + 8);
                let chunk = data[start..end].to_vec();
                let times = if self.rng.gen_bool(0.9) {
                    self.rng.gen_range(2..64)
                } else {
                    self.rng.gen_range(64..2000)
                };
                let at = self.position(data);
                data.splice(at..at, chunk.repeat(times));
            }
            13 => {
                let wide = WIDE_CHARS[self.rng.gen_range(0..WIDE_CHARS.len())].as_bytes();
                let at = self.char_boundary(data);
                data.splice(at..at, wide.iter().copied());
            }
            14 => self.swap_lines(data),
            _ => {
                let cut = self.position(data);
                data.truncate(cut);
            }
        }
    }

    /// Mostly printable ASCII, sometimes a control byte or a byte that breaks UTF-8.
    fn byte(&mut self) -> u8 {
        match self.rng.gen_range(0..10) {
            0 => [0u8, 0x7f, 0x80, 0xff, 0xc3, b'\n', b'\r', b'\t'][self.rng.gen_range(0..8)],
            1..=3 => {
                const PUNCTUATION: &[u8] = b"0123456789-+.,:;|/=()[]{}\"' #%xXea";
                PUNCTUATION[self.rng.gen_range(0..PUNCTUATION.len())]
            }
            _ => self.rng.gen_range(0x20..0x7f),
        }
    }

    /// A position that does not split a UTF-8 sequence (if `data` is UTF-8).
    fn char_boundary(&mut self, data: &[u8]) -> usize {
        let mut at = self.position(data);
        while at < data.len() && (data[at] & 0xc0) == 0x80 {
            at += 1;
        }
        at
    }

    /// Replaces one run of letters, digits and `_` with a dictionary token.
    fn replace_word(&mut self, data: &mut Vec<u8>, dictionary: &[&str]) {
        let words = runs(data, |b| b.is_ascii_alphanumeric() || b == b'_');
        if words.is_empty() {
            return;
        }
        let (start, end) = words[self.rng.gen_range(0..words.len())];
        let token = self.token(dictionary).as_bytes().to_vec();
        data.splice(start..end, token);
    }

    /// Replaces one number (digits with an optional sign, point and exponent) with an interesting one,
    /// or nudges it by one.
    fn replace_number(&mut self, data: &mut Vec<u8>) {
        let numbers = runs(data, |b| b.is_ascii_digit() || b == b'.' || b == b'-');
        let numbers: Vec<_> = numbers
            .into_iter()
            .filter(|&(s, e)| data[s..e].iter().any(u8::is_ascii_digit))
            .collect();
        if numbers.is_empty() {
            return;
        }
        let (start, end) = numbers[self.rng.gen_range(0..numbers.len())];
        let replacement = if self.rng.gen_bool(0.3) {
            let text = String::from_utf8_lossy(&data[start..end]);
            match text.parse::<i128>() {
                Ok(value) => (value + self.rng.gen_range(-2..=2)).to_string(),
                Err(_) => self.token(&[]).to_string(),
            }
        } else {
            INTERESTING_NUMBERS[self.rng.gen_range(0..INTERESTING_NUMBERS.len())].to_string()
        };
        data.splice(start..end, replacement.into_bytes());
    }

    /// Swaps two lines, or duplicates or drops one.
    fn swap_lines(&mut self, data: &mut Vec<u8>) {
        let mut lines: Vec<Vec<u8>> = data.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
        let i = self.rng.gen_range(0..lines.len());
        let j = self.rng.gen_range(0..lines.len());
        match self.rng.gen_range(0..3) {
            0 => lines.swap(i, j),
            1 => {
                let line = lines[i].clone();
                lines.insert(j, line);
            }
            _ if lines.len() > 1 => {
                lines.remove(i);
            }
            _ => {}
        }
        *data = lines.join(&b'\n');
    }
}

/// Maximal runs of bytes matching `class`, as `(start, end)`.
fn runs(data: &[u8], class: impl Fn(u8) -> bool) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &b) in data.iter().enumerate() {
        match (class(b), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, data.len()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_inputs_and_lengths_are_capped() {
        let run = |seed| {
            let mut m = Mutator::new(seed);
            (0..200)
                .map(|_| m.mutate(b"AKs, QQ+: 0.5", &["AKo", "+"], b"22-55", 64))
                .collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        assert!(run(9).iter().all(|input| input.len() <= 64));
    }

    #[test]
    fn runs_find_words() {
        assert_eq!(
            runs(b"ab 12,c", |b| b.is_ascii_alphanumeric()),
            [(0, 2), (3, 5), (6, 7)]
        );
    }
}
