//! Plain text and Markdown: decoded from UTF-8, UTF-16 (with a byte-order mark) or the
//! legacy single-byte encoding it most likely uses (Windows-1252 and friends, guessed
//! by chardetng). Form feeds split pages.

use std::path::Path;

use super::{Page, Reason};

pub fn extract(path: &Path) -> Result<(Option<String>, Vec<Page>), Reason> {
    let bytes = std::fs::read(path).map_err(|e| Reason::Io(e.to_string()))?;
    // One copy of a large file at a time: the bytes become the text where they can.
    let mut text = decode_owned(bytes)?;
    if text.contains('\r') {
        text = text.replace("\r\n", "\n").replace('\r', "\n");
    }
    let title = text
        .split('\u{0C}')
        .flat_map(str::lines)
        .map(|l| l.trim().trim_start_matches('#').trim())
        .find(|l| !l.is_empty())
        .map(str::to_string);
    if !text.contains('\u{0C}') {
        return Ok((title, vec![Page { number: 1, text }]));
    }
    let pages = text
        .split('\u{0C}')
        .enumerate()
        .map(|(i, t)| Page {
            number: i as u32 + 1,
            text: t.to_string(),
        })
        .collect();
    Ok((title, pages))
}

/// [`decode`], reusing the buffer when the bytes are UTF-8 already.
fn decode_owned(bytes: Vec<u8>) -> Result<String, Reason> {
    if encoding_rs::Encoding::for_bom(&bytes).is_some() {
        return decode(&bytes);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(not_utf8) => decode(not_utf8.as_bytes()),
    }
}

/// Decodes text bytes, saying why when it cannot.
pub fn decode(bytes: &[u8]) -> Result<String, Reason> {
    if let Some((encoding, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, had_errors) = encoding.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(Reason::Encoding(format!(
                "invalid {} after its byte-order mark",
                encoding.name()
            )));
        }
        return Ok(text.into_owned());
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_string());
    }
    // English plans: the .uk hint tips close calls (windows-1250 vs 1252) to Western.
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let encoding = detector.guess(Some(b"uk"), chardetng::Utf8Detection::Allow);
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(Reason::Encoding(format!(
            "not valid {} either",
            encoding.name()
        )));
    }
    tracing::info!("decoded text as {}", encoding.name());
    Ok(text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_utf16_and_windows_1252() {
        assert_eq!(
            decode("£2.4m for Hastings".as_bytes()).unwrap(),
            "£2.4m for Hastings"
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Plan".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(decode(&utf16).unwrap(), "Plan");
        // "£2.4m – café" in Windows-1252: £ is 0xA3, en dash 0x96, é 0xE9.
        let cp1252 =
            b"Funding of \xA32.4m \x96 the caf\xE9 on the high street is open to all residents.";
        assert_eq!(
            decode(cp1252).unwrap(),
            "Funding of £2.4m – the café on the high street is open to all residents."
        );
    }
}
