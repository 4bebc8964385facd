//! Bytes to text: the charset comes from a BOM, the HTTP header, a `<meta>`
//! tag or XML declaration, and failing all of them a statistical guess
//! (`chardetng`), since windows-1251 and KOI8-R pages still exist.

use encoding_rs::{Encoding, UTF_8};

/// Decodes `bytes`; `content_type` is the HTTP `Content-Type` header.
/// Returns the text and the name of the charset used.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> (String, &'static str) {
    let encoding = detect(bytes, content_type);
    let (text, _, _) = encoding.decode(bytes);
    (text.into_owned(), encoding.name())
}

fn detect(bytes: &[u8], content_type: Option<&str>) -> &'static Encoding {
    if let Some((enc, _)) = Encoding::for_bom(bytes) {
        return enc;
    }
    if let Some(enc) = content_type.and_then(charset_param).and_then(label) {
        return enc;
    }
    let head = &bytes[..bytes.len().min(4096)];
    if let Some(enc) = declared_in_document(head) {
        return enc;
    }
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(
        &bytes[..bytes.len().min(64 * 1024)],
        bytes.len() <= 64 * 1024,
    );
    detector.guess(None, chardetng::Utf8Detection::Allow)
}

fn label(name: &str) -> Option<&'static Encoding> {
    let enc = Encoding::for_label(
        name.trim()
            .trim_matches(|c| c == '"' || c == '\'')
            .as_bytes(),
    )?;
    // A page that says UTF-16 in ASCII is lying about its bytes.
    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        Some(UTF_8)
    } else {
        Some(enc)
    }
}

fn charset_param(content_type: &str) -> Option<&str> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case("charset").then_some(v)
    })
}

/// `<meta charset=..>`, `<meta http-equiv content="..; charset=..">` or
/// `<?xml .. encoding=".."?>` in the first bytes.
fn declared_in_document(head: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    for key in ["charset=", "encoding="] {
        let mut from = 0;
        while let Some(pos) = head[from..].find(key) {
            let start = from + pos + key.len();
            let value: String = head[start..]
                .chars()
                .skip_while(|c| *c == '"' || *c == '\'' || c.is_whitespace())
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                .collect();
            if let Some(enc) = label(&value) {
                return Some(enc);
            }
            from = start;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_charset_wins_over_guessing() {
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode("Выборы акимов");
        let (text, name) = decode(&bytes, Some("text/html; charset=windows-1251"));
        assert_eq!(text, "Выборы акимов");
        assert_eq!(name, "windows-1251");
    }

    #[test]
    fn meta_tag_and_xml_declaration_are_read() {
        let page =
            "<html><head><meta charset=\"koi8-r\"></head><body>Новости Казахстана</body></html>";
        let (bytes, _, _) = encoding_rs::KOI8_R.encode(page);
        assert!(
            decode(&bytes, Some("text/html"))
                .0
                .contains("Новости Казахстана")
        );
        let feed =
            "<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss><title>Әкім</title></rss>";
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(
            "<?xml version=\"1.0\" encoding=\"windows-1251\"?><rss><title>Аким</title></rss>",
        );
        assert!(decode(&bytes, None).0.contains("Аким"));
        assert!(
            decode(feed.as_bytes(), Some("application/xml; charset=utf-8"))
                .0
                .contains("Әкім")
        );
    }

    #[test]
    fn bom_and_undeclared_cp1251_are_handled() {
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice("Астана".as_bytes());
        assert_eq!(
            decode(&bytes, Some("text/html; charset=windows-1251")).0,
            "Астана"
        );
        let (bytes, _, _) = encoding_rs::WINDOWS_1251.encode(
            "<p>Сегодня в Астане прошло заседание правительства, на котором обсуждали бюджет.</p>",
        );
        assert!(decode(&bytes, None).0.contains("заседание правительства"));
    }
}
