//! Dedupe keys: a canonical URL, a hash of the text, and a MinHash
//! fingerprint that finds syndicated copies (Qazaq24 republishing Liter.kz
//! with a line of its own and different page chrome).

use sha2::{Digest, Sha256};
use url::Url;

/// Query parameters that only track the click.
const TRACKING: &[&str] = &[
    "fbclid",
    "gclid",
    "yclid",
    "_openstat",
    "ref",
    "from",
    "utm",
];

/// The URL without fragment, tracking parameters or default port, with a
/// lowercase host: two links to one article compare equal.
pub fn canonical_url(url: &Url) -> Url {
    let mut url = url.clone();
    url.set_fragment(None);
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            !k.starts_with("utm_") && !TRACKING.contains(&k.as_str())
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    if let Some(host) = url.host_str().map(str::to_ascii_lowercase) {
        let _ = url.set_host(Some(&host));
    }
    url
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase().replace('ё', "е"))
        .collect()
}

/// A hash of the words of the text, blind to case, spacing and punctuation.
pub fn content_hash(text: &str) -> String {
    let mut h = Sha256::new();
    for w in words(text) {
        h.update(w.as_bytes());
        h.update(b" ");
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

const PERMUTATIONS: usize = 64;
const SHINGLE: usize = 3;

/// FNV-1a: stable across builds, unlike the standard hasher, because the
/// fingerprints are stored.
fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64 ^ seed;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn mix(mut x: u64) -> u64 {
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    x ^ (x >> 33)
}

/// A MinHash signature over word 3-grams: 64 minima of 32 bits each.
pub fn minhash(text: &str) -> Vec<u8> {
    let words = words(text);
    let mut mins = [u32::MAX; PERMUTATIONS];
    if words.len() >= SHINGLE {
        for gram in words.windows(SHINGLE) {
            let base = fnv1a(gram.join(" ").as_bytes(), 0);
            for (i, m) in mins.iter_mut().enumerate() {
                let h = (mix(base ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)) >> 32) as u32;
                if h < *m {
                    *m = h;
                }
            }
        }
    }
    mins.iter().flat_map(|m| m.to_le_bytes()).collect()
}

/// The estimated Jaccard similarity of two texts from their signatures.
#[cfg(test)]
fn similarity(a: &[u8], b: &[u8]) -> f32 {
    similar_enough(a, b, 0.0).unwrap_or(0.0)
}

/// The estimated Jaccard similarity of two texts from their signatures
/// (the share of equal hashes) when it is at least `min`, else `None`: it stops as soon
/// as too many hashes differ, so comparing a new article with thousands of
/// stored ones costs little when (as nearly always) they are unrelated.
pub fn similar_enough(a: &[u8], b: &[u8], min: f32) -> Option<f32> {
    if a.len() != b.len() || a.len() < 4 || a.iter().all(|x| *x == 0xff) {
        return (min <= 0.0).then_some(0.0);
    }
    let lanes = a.len() / 4;
    let share = |same: usize| same as f32 / lanes as f32;
    // The fewest equal hashes that reach `min`, as the share is computed.
    let mut need = ((min.max(0.0) * lanes as f32).ceil() as usize).min(lanes + 1);
    while need > 0 && share(need - 1) >= min {
        need -= 1;
    }
    while need <= lanes && share(need) < min {
        need += 1;
    }
    if need > lanes {
        return None;
    }
    // More differing hashes than this and `min` is out of reach.
    let allowed = lanes - need;
    let (a, _) = a.as_chunks::<4>();
    let (b, _) = b.as_chunks::<4>();
    let mut differ = 0;
    // Sixteen hashes at a time without a branch (the compiler compares them
    // side by side), then the early stop: a new article meets thousands of
    // stored fingerprints per poll, nearly all of them unrelated.
    for (x, y) in a.chunks(16).zip(b.chunks(16)) {
        differ += x.iter().zip(y).filter(|(x, y)| x != y).count();
        if differ > allowed {
            return None;
        }
    }
    Some(share(lanes - differ))
}

/// [`similar_enough`] on signatures already split into their 64 hashes
/// (the store keeps recent ones so): every hash compared, side by side,
/// without a branch; the same answer for 64-hash signatures.
pub fn similar_lanes(a: &[u32; 64], b: &[u32; 64], min: f32) -> Option<f32> {
    if a.iter().all(|x| *x == u32::MAX) {
        return (min <= 0.0).then_some(0.0);
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    let share = same as f32 / a.len() as f32;
    (share >= min).then_some(share)
}

/// A signature's 64 hashes, as [`minhash`] wrote them; `None` for one of
/// another length.
pub fn lanes(minhash: &[u8]) -> Option<[u32; 64]> {
    let (chunks, rest) = minhash.as_chunks::<4>();
    if chunks.len() != PERMUTATIONS || !rest.is_empty() {
        return None;
    }
    let mut lanes = [0u32; 64];
    for (lane, chunk) in lanes.iter_mut().zip(chunks) {
        *lane = u32::from_le_bytes(*chunk);
    }
    Some(lanes)
}

/// Two texts at or above this similarity tell one story.
pub const SAME_STORY: f32 = 0.5;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_and_fragments_are_dropped() {
        let u = Url::parse("https://Liter.kz/news/1?utm_source=tg&id=5&fbclid=x#comments").unwrap();
        assert_eq!(canonical_url(&u).as_str(), "https://liter.kz/news/1?id=5");
        let u = Url::parse("https://liter.kz/news/1?utm_medium=a").unwrap();
        assert_eq!(canonical_url(&u).as_str(), "https://liter.kz/news/1");
    }

    #[test]
    fn text_hash_ignores_spacing_and_case() {
        assert_eq!(
            content_hash("Аким  села, Ерлан."),
            content_hash("аким села ерлан")
        );
        assert_ne!(content_hash("аким села"), content_hash("аким района"));
    }

    #[test]
    fn syndicated_copy_is_similar_and_other_news_is_not() {
        let original = "В Астане впервые прошла крупнейшая диалог-платформа сельских акимов с участием \
            президента. На одной площадке собрались около 2,5 тысячи руководителей сельских округов. \
            Ерлан Кошанов подвел итоги встречи и рассказал, какие поручения были озвучены главой \
            государства. По его словам, разговор получился откровенным и предметным.";
        let copy = format!(
            "Как сообщает Qazaq24.com со ссылкой на сайт Liter.KZ. {original} Просмотров: 85"
        );
        let other = "В Карагандинской области завершили ремонт дороги между Темиртау и Караганды. \
            Работы длились два года, подрядчик уложил новый асфальт на сорока километрах трассы.";
        let (a, b, c) = (minhash(original), minhash(&copy), minhash(other));
        assert!(similarity(&a, &b) >= SAME_STORY, "{}", similarity(&a, &b));
        assert!(similarity(&a, &c) < 0.1, "{}", similarity(&a, &c));
        // The early stop gives the same answer as the whole count, and so
        // do the signatures split into their hashes.
        let short = minhash("two words");
        for (x, y) in [(&a, &b), (&a, &c), (&b, &c), (&a, &a), (&short, &a)] {
            let whole = similarity(x, y);
            let (lx, ly) = (lanes(x).unwrap(), lanes(y).unwrap());
            for min in [0.0, 0.25, SAME_STORY, 0.9, 1.0] {
                let want = (whole >= min).then_some(whole);
                assert_eq!(similar_enough(x, y, min), want, "{whole} at {min}");
                assert_eq!(similar_lanes(&lx, &ly, min), want, "{whole} at {min}");
            }
        }
        assert_eq!(lanes(&[7, 7]), None);
        assert_eq!(
            similarity(&minhash("two words"), &minhash("two words")),
            0.0
        );
    }
}
