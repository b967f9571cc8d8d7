//! Reading text inputs line by line: gzip detected by its magic bytes (not the file name),
//! lines capped in length (a longer line is reported and skipped, never held whole), and
//! every line numbered for error messages.

use crate::LearnError;
use flate2::read::MultiGzDecoder;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// The longest line kept by default: 64 KB (an impression line with 200 items is ~5 KB).
pub const DEFAULT_MAX_LINE_BYTES: usize = 64 * 1024;

/// One line of input, or why it was dropped.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    /// The line, without its `\n` / `\r\n`.
    Text(String),
    /// Longer than the cap: skipped, never held whole.
    TooLong,
    /// Not valid UTF-8.
    NotUtf8,
}

/// Numbered lines of a plain or gzipped stream.
pub struct Lines {
    reader: Box<dyn BufRead + Send>,
    max_bytes: usize,
    number: u64,
    buffer: Vec<u8>,
}

impl std::fmt::Debug for Lines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lines")
            .field("number", &self.number)
            .finish()
    }
}

/// Opens a file, decompressing when it starts with the gzip magic bytes 1f 8b.
pub fn open(path: &Path, max_bytes: usize) -> Result<Lines, LearnError> {
    let file = File::open(path).map_err(|e| LearnError::io(path, e))?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let head = reader.fill_buf().map_err(|e| LearnError::io(path, e))?;
    let gzipped = head.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn BufRead + Send> = if gzipped {
        Box::new(BufReader::with_capacity(
            1 << 16,
            MultiGzDecoder::new(reader),
        ))
    } else {
        Box::new(reader)
    };
    Ok(Lines::new(reader, max_bytes))
}

impl Lines {
    /// Numbered lines of `reader`, each capped at `max_bytes` bytes.
    pub fn new(reader: Box<dyn BufRead + Send>, max_bytes: usize) -> Self {
        Self {
            reader,
            max_bytes,
            number: 0,
            buffer: Vec::new(),
        }
    }

    /// The next line (without its `\n` / `\r\n`) and its number, `None` at the end.
    pub fn next_line(&mut self) -> std::io::Result<Option<(u64, Line)>> {
        self.buffer.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let available = self.reader.fill_buf()?;
            if available.is_empty() {
                break;
            }
            any = true;
            let (chunk, done) = match memchr_newline(available) {
                Some(at) => (available.get(..at).unwrap_or(&[]), Some(at + 1)),
                None => (available, None),
            };
            if !too_long && self.buffer.len() + chunk.len() <= self.max_bytes {
                self.buffer.extend_from_slice(chunk);
            } else {
                too_long = true;
                self.buffer.clear();
            }
            let consumed = done.unwrap_or(available.len());
            self.reader.consume(consumed);
            if done.is_some() {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.number += 1;
        if self.buffer.last() == Some(&b'\r') {
            self.buffer.pop();
        }
        let line = if too_long {
            Line::TooLong
        } else {
            // The next line starts with room for one as long as this one: no regrowing.
            let room = self.buffer.len().next_power_of_two().min(self.max_bytes);
            match String::from_utf8(std::mem::replace(
                &mut self.buffer,
                Vec::with_capacity(room),
            )) {
                Ok(text) => Line::Text(text),
                Err(_) => Line::NotUtf8,
            }
        };
        Ok(Some((self.number, line)))
    }
}

fn memchr_newline(bytes: &[u8]) -> Option<usize> {
    memchr::memchr(b'\n', bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &[u8], max: usize) -> Vec<(u64, Line)> {
        let mut lines = Lines::new(Box::new(std::io::Cursor::new(text.to_vec())), max);
        let mut out = Vec::new();
        while let Some(line) = lines.next_line().unwrap() {
            out.push(line);
        }
        out
    }

    #[test]
    fn long_lines_are_skipped_and_numbering_goes_on() {
        let got = lines(b"ab\r\n0123456789\n\xff\nlast", 5);
        assert_eq!(
            got,
            vec![
                (1, Line::Text("ab".into())),
                (2, Line::TooLong),
                (3, Line::NotUtf8),
                (4, Line::Text("last".into())),
            ]
        );
    }

    #[test]
    fn gzip_is_found_by_magic_bytes() {
        use flate2::write::GzEncoder;
        use std::io::Write;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.log");
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"one\ntwo\n").unwrap();
        std::fs::write(&path, gz.finish().unwrap()).unwrap();
        let mut lines = open(&path, 100).unwrap();
        assert_eq!(
            lines.next_line().unwrap(),
            Some((1, Line::Text("one".into())))
        );
        assert_eq!(
            lines.next_line().unwrap(),
            Some((2, Line::Text("two".into())))
        );
        assert_eq!(lines.next_line().unwrap(), None);
    }
}
