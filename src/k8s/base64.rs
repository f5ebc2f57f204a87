//! Secret `data` values: standard base64 with padding, as Kubernetes writes and
//! reads them. Rule 9 edits the decoded text and encodes it again; rule 11 and the
//! cluster model read the decoded text for old names. Never printed.

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding, as Kubernetes writes Secret `data`.
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(B64[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Each byte's 6-bit value in the standard alphabet; 255 for anything else.
const B64_VALUE: [u8; 256] = {
    let mut t = [255u8; 256];
    let mut i = 0;
    while i < 64 {
        t[B64[i] as usize] = i as u8;
        i += 1;
    }
    t
};

/// Strict standard base64 (whitespace ignored); `None` for anything else.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let clean: Vec<u8> = text.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !clean.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(clean.len() / 4 * 3);
    let chunks = clean.len() / 4;
    for (ci, chunk) in clean.chunks(4).enumerate() {
        let pad = chunk.iter().rev().take_while(|&&b| b == b'=').count();
        if pad > 2 || (pad > 0 && ci + 1 != chunks) {
            return None;
        }
        let mut n = 0u32;
        for (k, &b) in chunk[..4 - pad].iter().enumerate() {
            let v = B64_VALUE[usize::from(b)];
            if v == 255 {
                return None;
            }
            n |= u32::from(v) << (18 - 6 * k);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..3 - pad]);
    }
    Some(out)
}

/// A Secret `data` value as text: base64 of UTF-8 (`None` for anything else).
pub fn base64_text(text: &str) -> Option<String> {
    String::from_utf8(base64_decode(text)?).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trips_and_refuses_what_is_not() {
        for s in [
            "",
            "a",
            "ab",
            "abc",
            "postgres://db:5432/x",
            "\u{e9}t\u{e9}",
        ] {
            let e = base64_encode(s.as_bytes());
            assert_eq!(base64_decode(&e).as_deref(), Some(s.as_bytes()), "{s} {e}");
        }
        assert_eq!(base64_encode(b"redis-master"), "cmVkaXMtbWFzdGVy");
        assert_eq!(
            base64_decode("cmVk aXMt\nbWFzdGVy").unwrap(),
            b"redis-master"
        );
        for bad in ["abc", "a===", "ab=c", "ab==cd==", "!!!!"] {
            assert_eq!(base64_decode(bad), None, "{bad}");
        }
    }
}
