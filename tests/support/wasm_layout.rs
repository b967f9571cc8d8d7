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

/// Reads `wasm`'s memory and data sections (a module with one memory and `i32.const` offsets,
/// as the linker and Wizer write them).
pub(crate) fn layout(wasm: &[u8]) -> Layout {
    assert_eq!(&wasm[..4], b"\0asm", "not a wasm module");
    let mut at = 8;
    let mut layout = Layout {
        initial_bytes: 0,
        data_end: 0,
    };
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let size = leb(wasm, &mut at) as usize;
        let end = at + size;
        let mut p = at;
        match id {
            5 => {
                assert_eq!(leb(wasm, &mut p), 1, "one memory");
                let _flags = leb(wasm, &mut p);
                layout.initial_bytes = leb(wasm, &mut p) * 65_536;
            }
            11 => {
                for _ in 0..leb(wasm, &mut p) {
                    assert_eq!(leb(wasm, &mut p), 0, "active segment of memory 0");
                    assert_eq!(wasm[p], 0x41, "i32.const offset");
                    p += 1;
                    let offset = leb(wasm, &mut p);
                    assert_eq!(wasm[p], 0x0b, "end of the offset expression");
                    p += 1;
                    let len = leb(wasm, &mut p);
                    layout.data_end = layout.data_end.max(offset + len);
                    p += len as usize;
                }
            }
            _ => {}
        }
        at = end;
    }
    layout
}

/// The function each export of `wasm` names, by export name (other kinds of export left out).
pub(crate) fn exported_functions(wasm: &[u8]) -> Vec<(String, u64)> {
    assert_eq!(&wasm[..4], b"\0asm", "not a wasm module");
    let mut at = 8;
    let mut functions = Vec::new();
    while at < wasm.len() {
        let id = wasm[at];
        at += 1;
        let size = leb(wasm, &mut at) as usize;
        let end = at + size;
        if id == 7 {
            let mut p = at;
            for _ in 0..leb(wasm, &mut p) {
                let len = leb(wasm, &mut p) as usize;
                let name = String::from_utf8_lossy(&wasm[p..p + len]).into_owned();
                p += len;
                let kind = wasm[p];
                p += 1;
                let index = leb(wasm, &mut p);
                if kind == 0 {
                    functions.push((name, index));
                }
            }
        }
        at = end;
    }
    functions
}
