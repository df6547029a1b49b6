//! Engine layer: Z85 (ZeroMQ RFC 32), the text form of CURVE keys: 4 bytes become 5 characters
//! of an 85-character alphabet. Invariant: decoding rejects (returns `None`) any length that is not
//! a multiple of 5, any character outside the alphabet and any group whose value exceeds 32 bits,
//! so no input can overflow or panic.

const ALPHABET: &[u8; 85] =
    b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

/// Each byte's value in the alphabet, 0xFF for bytes outside it.
const fn decode_table() -> [u8; 256] {
    let mut table = [0xFFu8; 256];
    let mut i = 0;
    while i < 85 {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
}
const DECODE: [u8; 256] = decode_table();

/// Encodes `data` (a multiple of 4 bytes long) as Z85; `None` for any other length.
pub fn encode(data: &[u8]) -> Option<String> {
    if !data.len().is_multiple_of(4) {
        return None;
    }
    let mut out = String::with_capacity(data.len() / 4 * 5);
    for group in data.chunks_exact(4) {
        let mut value = u32::from_be_bytes([group[0], group[1], group[2], group[3]]);
        let mut chars = [0u8; 5];
        for c in chars.iter_mut().rev() {
            *c = ALPHABET[(value % 85) as usize];
            value /= 85;
        }
        out.extend(chars.iter().map(|&c| c as char));
    }
    Some(out)
}

/// Decodes Z85 `text` (a multiple of 5 characters long); `None` when it is not valid Z85.
pub fn decode(text: &[u8]) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(5) {
        return None;
    }
    let mut out = Vec::with_capacity(text.len() / 5 * 4);
    for group in text.chunks_exact(5) {
        let mut value: u64 = 0;
        for &c in group {
            let digit = DECODE[c as usize];
            if digit == 0xFF {
                return None;
            }
            value = value * 85 + u64::from(digit);
        }
        let value = u32::try_from(value).ok()?;
        out.extend_from_slice(&value.to_be_bytes());
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc32_example_round_trips() {
        let bytes = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];
        assert_eq!(encode(&bytes).as_deref(), Some("HelloWorld"));
        assert_eq!(decode(b"HelloWorld").as_deref(), Some(&bytes[..]));
    }

    #[test]
    fn every_byte_value_round_trips() {
        let data: Vec<u8> = (0..=255u8).collect();
        let text = encode(&data).unwrap();
        assert_eq!(text.len(), 320);
        assert_eq!(decode(text.as_bytes()).unwrap(), data);
    }

    #[test]
    fn rejects_bad_lengths_characters_and_overflow() {
        assert_eq!(encode(&[1, 2, 3]), None);
        assert_eq!(decode(b"Hello"), Some(vec![0x86, 0x4F, 0xD2, 0x6F]));
        assert_eq!(decode(b"Hell"), None);
        assert_eq!(decode(b"Hell\""), None);
        assert_eq!(decode(b"Hell~"), None);
        // "#####" is 85^5 - 1 > u32::MAX: no group may exceed 32 bits.
        assert_eq!(decode(b"#####"), None);
    }
}
