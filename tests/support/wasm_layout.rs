//! The linear-memory layout a wasm declares (its memory's initial size and where its data
//! segments end) and the functions it exports. Enough of the binary format to check what
//! pre-initialization left.

/// Initial pages of memory 0 and the end of the highest active data segment, in bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Layout {
    pub initial_bytes: u64,
    pub data_end: u64,
}

fn leb(bytes: &[u8], at: &mut usize) -> u64 {
    let (mut value, mut shift) = (0u64, 0);
    loop {
        let byte = bytes[*at];
        *at += 1;
        value |= u64::from(byte & 0x7f) << shift;
        shift += 7;
        if byte < 0x80 {
            return value;
        }
    }
}

/// Each section of `wasm` as its id and contents.
fn sections(wasm: &[u8]) -> impl Iterator<Item = (u8, &[u8])> {
    assert_eq!(&wasm[..4], b"\0asm", "not a wasm module");
    let mut at = 8;
    std::iter::from_fn(move || {
        if at >= wasm.len() {
            return None;
        }
        let id = wasm[at];
        at += 1;
        let size = leb(wasm, &mut at) as usize;
        let contents = &wasm[at..at + size];
        at += size;
        Some((id, contents))
    })
}

/// Reads `wasm`'s memory and data sections (a module with one memory and `i32.const` offsets,
/// as the linker and Wizer write them).
pub(crate) fn layout(wasm: &[u8]) -> Layout {
    let mut layout = Layout {
        initial_bytes: 0,
        data_end: 0,
    };
    for (id, section) in sections(wasm) {
        let mut p = 0;
        match id {
            5 => {
                assert_eq!(leb(section, &mut p), 1, "one memory");
                let _flags = leb(section, &mut p);
                layout.initial_bytes = leb(section, &mut p) * 65_536;
            }
            11 => {
                for _ in 0..leb(section, &mut p) {
                    assert_eq!(leb(section, &mut p), 0, "active segment of memory 0");
                    assert_eq!(section[p], 0x41, "i32.const offset");
                    p += 1;
                    let offset = leb(section, &mut p);
                    assert_eq!(section[p], 0x0b, "end of the offset expression");
                    p += 1;
                    let len = leb(section, &mut p);
                    layout.data_end = layout.data_end.max(offset + len);
                    p += len as usize;
                }
            }
            _ => {}
        }
    }
    layout
}

/// The function each export of `wasm` names, by export name (other kinds of export left out).
pub(crate) fn exported_functions(wasm: &[u8]) -> Vec<(String, u64)> {
    let mut functions = Vec::new();
    for (_, section) in sections(wasm).filter(|(id, _)| *id == 7) {
        let mut p = 0;
        for _ in 0..leb(section, &mut p) {
            let len = leb(section, &mut p) as usize;
            let name = String::from_utf8_lossy(&section[p..p + len]).into_owned();
            p += len;
            let kind = section[p];
            p += 1;
            let index = leb(section, &mut p);
            if kind == 0 {
                functions.push((name, index));
            }
        }
    }
    functions
}
