//! People and other referring expressions in an article: names (with their
//! inflected forms mapped back to the nominative), roles ("спикер",
//! "глава государства", "Мемлекет басшысы"), bodies ("пресс-служба
//! акимата") and pronouns, so that a quote's attribution can be resolved to
//! the fullest name the text gives.

use std::collections::HashMap;

use super::kazakh;
use super::text::{Tok, fold, tokens};

/// The President of Kazakhstan: the words "президент", "глава государства",
/// "Мемлекет басшысы" refer to him even when the article never names him.
const PRESIDENT_RU: &str = "Касым-Жомарт Токаев";
const PRESIDENT_KK: &str = "Қасым-Жомарт Тоқаев";

/// Russian case endings after a surname suffix (-ов/-ев/-ин).
const RU_SURNAME_ENDINGS: &[&str] = &["", "а", "у", "ым", "е", "ой", "ою", "ых", "ы", "ыми"];

/// Capitalised words that are never a first name before a surname.
const NOT_FIRST_NAMES: &[&str] = &[
    "также",
    "как",
    "по",
    "в",
    "во",
    "на",
    "об",
    "о",
    "это",
    "однако",
    "кроме",
    "при",
    "для",
    "он",
    "она",
    "они",
    "так",
    "и",
    "а",
    "но",
    "с",
    "со",
    "к",
    "у",
    "от",
    "из",
    "за",
    "после",
    "тогда",
    "теперь",
    "сегодня",
    "вчера",
    "еще",
    "ещё",
    "уже",
    "именно",
    "напомним",
    "между",
    "где",
    "когда",
    "что",
    "если",
    "ранее",
    "позже",
    "затем",
    "мажилиса",
    "сената",
    "парламента",
    "казахстана",
    "республики",
    "астаны",
    "алматы",
    "министр",
    "аким",
    "депутат",
    "спикер",
    "президент",
    "глава",
    "председатель",
    "сенатор",
    "премьер-министр",
    "мемлекет",
    "бұл",
    "ал",
    "және",
    "сондай-ақ",
    "осы",
    "алайда",
    "министрі",
    "әкімі",
    "депутаты",
    "төрағасы",
    "басшысы",
    "нацбанк",
    "минфин",
    "минздрав",
    "минпросвещения",
    "минсельхоз",
    "минэнерго",
    "минтруда",
    "ақорда",
    "акорда",
];

/// Role nouns (folded stems); a role followed or preceded by a name is
/// linked to that person.
const ROLES: &[&str] = &[
    "спикер",
    "председател",
    "вице-министр",
    "министр",
    "аким",
    "әкім",
    "депутат",
    "сенатор",
    "премьер-министр",
    "премьер",
    "вице-премьер",
    "руководител",
    "директор",
    "начальник",
    "заместител",
    "замакима",
    "мэр",
    "пресс-секретар",
    "ректор",
    "заведующ",
    "секретар",
    "советник",
    "омбудсмен",
    "уполномоченн",
    "вице-спикер",
    "прокурор",
    "басшы",
    "төраға",
    "хатшы",
    "бастығ",
    "орынбасар",
    "эксперт",
    "политолог",
];

/// The "глава" forms (so that "главный" is not a role).
const GLAVA: &[&str] = &["глава", "главы", "главе", "главу", "главой"];

/// Bodies that speak for themselves, with their nominative form.
const BODIES: &[(&str, &str)] = &[
    ("пресс-служб", "пресс-служба"),
    ("министерств", "министерство"),
    ("акимат", "акимат"),
    ("ведомств", "ведомство"),
    ("управлени", "управление"),
    ("департамент", "департамент"),
    ("комитет", "комитет"),
    ("прокуратур", "прокуратура"),
    ("минздрав", "Минздрав"),
    ("минфин", "Минфин"),
    ("минпросвещени", "Минпросвещения"),
    ("минсельхоз", "Минсельхоз"),
    ("минтруд", "Минтруда"),
    ("минэнерго", "Минэнерго"),
    ("минцифр", "Минцифры"),
    ("мвд", "МВД"),
    ("дчс", "ДЧС"),
    ("акорд", "Акорда"),
    ("ақорда", "Ақорда"),
    ("баспасөз", "баспасөз қызметі"),
    ("министрлі", "министрлік"),
    ("әкімдік", "әкімдік"),
];

/// A person the article mentions.
#[derive(Debug, Clone)]
pub struct Person {
    /// Nominative full name.
    pub name: String,
    key: String,
    first: Option<String>,
    female_votes: i32,
    pub mentions: usize,
    pub president: bool,
}

/// What a referring expression points at.
#[derive(Debug, Clone, PartialEq)]
pub enum RefKind {
    Person(usize),
    /// A role noun; `person` when it could be resolved.
    Role {
        role: String,
        person: Option<usize>,
        president: bool,
    },
    Body(String),
    Pronoun {
        female: Option<bool>,
    },
}

/// A referring expression at a place in the article.
#[derive(Debug, Clone)]
pub struct Ref {
    pub para: usize,
    pub start: usize,
    pub end: usize,
    pub kind: RefKind,
    /// In the nominative (a likely sentence subject).
    pub nominative: bool,
    /// Inside a quotation (not an antecedent for pronouns).
    pub quoted: bool,
}

/// Who a quote is attributed to.
#[derive(Debug, Clone, PartialEq)]
pub enum Speaker {
    Person(usize),
    Other(String),
}

/// People, roles, bodies and pronouns of one article.
#[derive(Debug, Default)]
pub struct People {
    pub persons: Vec<Person>,
    pub refs: Vec<Ref>,
    kazakh: bool,
}

struct RawName {
    para: usize,
    start: usize,
    end: usize,
    key: String,
    surname_base: String,
    rest: String,
    first: Option<String>,
    female_hint: Option<bool>,
}

fn starts_upper(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

fn all_upper(s: &str) -> bool {
    s.chars().filter(|c| c.is_alphabetic()).count() >= 2 && !s.chars().any(char::is_lowercase)
}

fn title_case(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut up = true;
    for c in s.chars() {
        if up {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        up = !c.is_alphabetic();
    }
    out
}

/// Splits a surname into its male base (…ов/…ев/…ин) and the ending after it.
/// Returns `None` when the word does not look like a surname.
pub fn analyze_surname(word: &str) -> Option<(String, String)> {
    if !starts_upper(word) || word.chars().count() < 4 || word.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let chars: Vec<char> = word.chars().collect();
    let lower: Vec<char> = chars.iter().flat_map(|c| c.to_lowercase()).collect();
    if lower.len() != chars.len() {
        return None;
    }
    // Kazakh patronymic surnames: -ұлы / -улы / -қызы / -кызы
    for marker in ["ұлы", "улы", "қызы", "кызы"] {
        let m: Vec<char> = marker.chars().collect();
        for i in (3..=lower.len().saturating_sub(m.len())).rev() {
            if lower[i..].starts_with(&m) {
                let rest: String = lower[i + m.len()..].iter().collect();
                if kazakh::is_suffix_chain(&rest) {
                    let base: String = chars[..i + m.len()].iter().collect();
                    return Some((base, rest));
                }
            }
        }
    }
    // -ов/-ев/-ёв/-ин/-ын, scanning from the right
    let mut i = lower.len();
    while i >= 2 {
        i -= 1;
        if i < 3 {
            break;
        }
        let pair = (lower[i - 1], lower[i]);
        if matches!(
            pair,
            ('о', 'в') | ('е', 'в') | ('ё', 'в') | ('и', 'н') | ('ы', 'н')
        ) {
            let rest: String = lower[i + 1..].iter().collect();
            let base: String = chars[..=i].iter().collect();
            if RU_SURNAME_ENDINGS.contains(&rest.as_str())
                || kazakh::is_suffix_chain(&rest)
                || rest
                    .strip_prefix('а')
                    .is_some_and(|r| !r.is_empty() && kazakh::is_suffix_chain(r))
            {
                return Some((base, rest));
            }
        }
    }
    None
}

fn is_role(folded: &str) -> Option<&'static str> {
    if GLAVA.contains(&folded) {
        return Some("глава");
    }
    ROLES
        .iter()
        .find(|r| {
            folded.strip_prefix(**r).is_some_and(|rest| {
                rest.chars().count() <= 7 && !rest.starts_with('ь') || rest.is_empty()
            })
        })
        .copied()
}

fn body_of(folded: &str) -> Option<&'static str> {
    BODIES
        .iter()
        .find(|(stem, _)| folded.starts_with(stem))
        .map(|(_, n)| *n)
}

const FOREIGN_AFTER_PRESIDENT: &[&str] = &[
    "компании",
    "фонда",
    "федерации",
    "ассоциации",
    "банка",
    "клуба",
    "университета",
    "академии",
    "палаты",
    "союза",
    "холдинга",
    "корпорации",
    "общества",
    "лиги",
];

fn female_verb(folded: &str) -> bool {
    folded.len() > 6
        && folded.ends_with("ла")
        && [
            "сказа",
            "замети",
            "отмети",
            "заяви",
            "подчеркну",
            "сообщи",
            "добави",
            "поясни",
            "рассказа",
            "напомни",
            "уточни",
            "ответи",
            "призна",
            "подели",
            "пообеща",
            "пожалова",
            "выступи",
            "провела",
            "посети",
        ]
        .iter()
        .any(|s| folded.starts_with(s))
}

fn male_verb(folded: &str) -> bool {
    folded.len() > 6
        && folded.ends_with('л')
        && [
            "сказа",
            "замети",
            "отмети",
            "заяви",
            "подчеркну",
            "сообщи",
            "добави",
            "поясни",
            "рассказа",
            "напомни",
            "уточни",
            "ответи",
            "призна",
            "подели",
            "пообеща",
            "пожалова",
            "выступи",
            "провел",
            "посети",
        ]
        .iter()
        .any(|s| folded.starts_with(s))
}

/// Is `para` a TV-style caption ("АСЕЛЬ НУРЛАНОВА, аким села Акжар:")?
/// Returns the name part.
pub fn caption_name(para: &str) -> Option<&str> {
    let t = para.trim();
    if !t.ends_with(':') || t.chars().count() > 200 {
        return None;
    }
    let name_part = t
        .split(',')
        .next()
        .unwrap_or(t)
        .trim_end_matches(':')
        .trim();
    let toks = tokens(name_part);
    if (2..=4).contains(&toks.len()) && toks.iter().all(|w| all_upper(w.text)) {
        Some(name_part)
    } else {
        None
    }
}

impl People {
    /// Finds the referring expressions of the article; `paras[0]` is the title.
    pub fn find(paras: &[&str], kazakh: bool) -> People {
        let mut raws: Vec<RawName> = Vec::new();
        let mut others: Vec<Ref> = Vec::new();
        // role → raw-name index links (apposition)
        let mut links: Vec<(usize, usize, String, usize)> = Vec::new(); // (para, role start, role, raw idx)

        for (pi, para) in paras.iter().enumerate() {
            let toks = tokens(para);
            let folded: Vec<String> = toks.iter().map(|t| fold(t.text)).collect();
            // TV caption
            if let Some(name) = caption_name(para) {
                let parts = tokens(name);
                if let (Some(first), Some(last)) = (parts.first(), parts.last()) {
                    let sur = title_case(last.text);
                    let (base, rest) =
                        analyze_surname(&sur).unwrap_or_else(|| (sur.clone(), String::new()));
                    let female = rest == "а";
                    raws.push(RawName {
                        para: pi,
                        start: first.start,
                        end: last.end,
                        key: fold(&base),
                        surname_base: base,
                        rest,
                        first: if parts.len() >= 2 {
                            Some(title_case(first.text))
                        } else {
                            None
                        },
                        female_hint: Some(female),
                    });
                    let idx = raws.len() - 1;
                    for (k, t) in toks.iter().enumerate() {
                        if t.start > last.end
                            && let Some(r) = is_role(&folded[k])
                        {
                            links.push((pi, t.start, r.to_string(), idx));
                            break;
                        }
                    }
                }
                continue;
            }
            let mut k = 0;
            while k < toks.len() {
                let t = toks[k];
                let f = &folded[k];
                if let Some((base, rest)) = analyze_surname(t.text)
                    .filter(|_| !NOT_FIRST_NAMES.contains(&f.as_str()) && body_of(f).is_none())
                {
                    // first name or initials before it
                    let mut start = t.start;
                    let mut first = None;
                    if k > 0 {
                        let p = toks[k - 1];
                        let between = &para[p.end..t.start];
                        let pf = &folded[k - 1];
                        if p.text.chars().count() == 1
                            && starts_upper(p.text)
                            && between.trim_start().starts_with('.')
                        {
                            start = p.start;
                            first = Some(format!("{}.", p.text));
                            if k > 1
                                && toks[k - 2].text.chars().count() == 1
                                && para[toks[k - 2].end..p.start].trim() == "."
                            {
                                start = toks[k - 2].start;
                            }
                        } else if between.trim().is_empty()
                            && starts_upper(p.text)
                            && p.text.chars().count() >= 3
                            && !NOT_FIRST_NAMES.contains(&pf.as_str())
                            && is_role(pf).is_none()
                            && body_of(pf).is_none()
                            && analyze_surname(p.text)
                                .is_none_or(|(_, r)| r.is_empty() && p.text.chars().count() <= 6)
                            && !p.text.chars().any(|c| c.is_ascii_digit())
                        {
                            start = p.start;
                            first = Some(p.text.to_string());
                        }
                    }
                    // gender hint from a nearby verb or pronoun
                    let lo = k.saturating_sub(3);
                    let hi = (k + 4).min(toks.len());
                    let mut hint = None;
                    for ff in &folded[lo..hi] {
                        if female_verb(ff) {
                            hint = Some(true);
                        } else if male_verb(ff) && hint.is_none() {
                            hint = Some(false);
                        }
                    }
                    raws.push(RawName {
                        para: pi,
                        start,
                        end: t.end,
                        key: fold(&base),
                        surname_base: base,
                        rest,
                        first,
                        female_hint: hint,
                    });
                    // apposition: a role up to five words before the name
                    let idx = raws.len() - 1;
                    let name_first_tok = if start < t.start {
                        k.saturating_sub(1)
                    } else {
                        k
                    };
                    let back = name_first_tok.saturating_sub(5);
                    for j in (back..name_first_tok).rev() {
                        if para[toks[j].end..toks[(j + 1).min(toks.len() - 1)].start]
                            .contains(['.', '!', '?', ':', ';', '«', '»', '“', '”', '"'])
                        {
                            break;
                        }
                        if let Some(r) = is_role(&folded[j]) {
                            links.push((pi, toks[j].start, r.to_string(), idx));
                            break;
                        }
                    }
                    // apposition after: "Name, role …"
                    if k + 2 < toks.len() && para[t.end..toks[k + 1].start].trim() == "," {
                        if let Some(r) = is_role(&folded[k + 1]) {
                            links.push((pi, toks[k + 1].start, r.to_string(), idx));
                        }
                    }
                    k += 1;
                    continue;
                }
                // roles, the President, bodies, pronouns
                let next = folded.get(k + 1).map(String::as_str).unwrap_or("");
                let next_tok = toks.get(k + 1);
                let nominative_role =
                    |f: &str| !f.ends_with(['а', 'у', 'ы', 'е', 'ю']) || f == "глава";
                if (f == "глава" || f == "главы" || f == "главой" || f == "главе" || f == "главу")
                    && next.starts_with("государств")
                {
                    others.push(Ref {
                        para: pi,
                        start: t.start,
                        end: toks[k + 1].end,
                        kind: RefKind::Role {
                            role: "президент".into(),
                            person: None,
                            president: true,
                        },
                        nominative: f == "глава",
                        quoted: false,
                    });
                    k += 2;
                    continue;
                }
                if f == "мемлекет" && next.starts_with("басшы") {
                    others.push(Ref {
                        para: pi,
                        start: t.start,
                        end: toks[k + 1].end,
                        kind: RefKind::Role {
                            role: "президент".into(),
                            person: None,
                            president: true,
                        },
                        nominative: next == "басшысы",
                        quoted: false,
                    });
                    k += 2;
                    continue;
                }
                if f.starts_with("президент")
                    && f.chars().count() <= 14
                    && !f.starts_with("президентск")
                {
                    let foreign = next_tok.is_some_and(|n| {
                        let between = &para[t.end..n.start];
                        between.trim().is_empty()
                            && ((starts_upper(n.text)
                                && !next.starts_with("казахстан")
                                && !next.starts_with("қазақстан")
                                && !next.starts_with("республик")
                                && !next.starts_with("рк")
                                && !next.starts_with("касым")
                                && !next.starts_with("қасым")
                                && !next.starts_with("токаев")
                                && !next.starts_with("тоқаев"))
                                || FOREIGN_AFTER_PRESIDENT.contains(&next))
                    });
                    others.push(Ref {
                        para: pi,
                        start: t.start,
                        end: t.end,
                        kind: RefKind::Role {
                            role: "президент".into(),
                            person: None,
                            president: !foreign,
                        },
                        nominative: f == "президент" || f == "президенті",
                        quoted: false,
                    });
                    k += 1;
                    continue;
                }
                if let Some(r) = is_role(f) {
                    others.push(Ref {
                        para: pi,
                        start: t.start,
                        end: t.end,
                        kind: RefKind::Role {
                            role: r.to_string(),
                            person: None,
                            president: false,
                        },
                        nominative: nominative_role(f),
                        quoted: false,
                    });
                    k += 1;
                    continue;
                }
                if let Some(b) = body_of(f) {
                    // the body's noun phrase: head + up to two lower-case genitive words
                    let mut name = if b.starts_with(|c: char| c.is_lowercase()) {
                        b.to_string()
                    } else {
                        b.to_string()
                    };
                    let mut end = t.end;
                    let mut j = k + 1;
                    while j < toks.len() && j <= k + 2 {
                        let between = &para[toks[j - 1].end..toks[j].start];
                        if !between.trim().is_empty() {
                            break;
                        }
                        let w = &folded[j];
                        let genitive = w.ends_with(['а', 'я', 'ы', 'и'])
                            && w.chars().count() > 3
                            && !starts_upper(toks[j].text);
                        let kk_gen = kazakh
                            && (w.ends_with("ның")
                                || w.ends_with("нің")
                                || w.ends_with("тың")
                                || w.ends_with("дың"));
                        if !(genitive || kk_gen) || matches!(w.as_str(), "было" | "была" | "были")
                        {
                            break;
                        }
                        name.push(' ');
                        name.push_str(w);
                        end = toks[j].end;
                        j += 1;
                    }
                    others.push(Ref {
                        para: pi,
                        start: t.start,
                        end,
                        kind: RefKind::Body(name),
                        nominative: false,
                        quoted: false,
                    });
                    k = j;
                    continue;
                }
                let pron = match f.as_str() {
                    "он" | "его" | "ему" | "им" => Some(Some(false)),
                    "она" | "ее" | "ей" => Some(Some(true)),
                    "ол" | "оның" | "оған" => Some(None),
                    _ => None,
                };
                if let Some(female) = pron {
                    others.push(Ref {
                        para: pi,
                        start: t.start,
                        end: t.end,
                        kind: RefKind::Pronoun { female },
                        nominative: matches!(f.as_str(), "он" | "она" | "ол"),
                        quoted: false,
                    });
                }
                k += 1;
            }
        }

        // cluster names by surname key
        let mut people = People {
            persons: Vec::new(),
            refs: Vec::new(),
            kazakh,
        };
        let mut by_key: HashMap<String, usize> = HashMap::new();
        let mut raw_person: Vec<usize> = Vec::with_capacity(raws.len());
        for r in &raws {
            let idx = *by_key.entry(r.key.clone()).or_insert_with(|| {
                people.persons.push(Person {
                    name: String::new(),
                    key: r.key.clone(),
                    first: None,
                    female_votes: 0,
                    mentions: 0,
                    president: r.key == "токаев" || r.key == "тоқаев",
                });
                people.persons.len() - 1
            });
            raw_person.push(idx);
            let p = &mut people.persons[idx];
            p.mentions += 1;
            // gender evidence
            let rest = r.rest.as_str();
            let first_ends_a = r
                .first
                .as_deref()
                .is_some_and(|f| f.ends_with(['а', 'я']) && !f.ends_with('.'));
            let vote = match rest {
                "ой" | "ою" => 2,
                "" | "ым" | "е" => -2,
                "а" => {
                    if r.first
                        .as_deref()
                        .is_some_and(|f| !f.ends_with('.') && !first_ends_a)
                    {
                        2
                    } else {
                        match r.female_hint {
                            Some(true) => 1,
                            Some(false) => -1,
                            None => 0,
                        }
                    }
                }
                _ if rest.starts_with('а') && rest.len() > 2 => 2,
                _ if !rest.is_empty() => -1,
                _ => 0,
            };
            p.female_votes += vote;
            if let Some(f) = &r.first
                && !f.ends_with('.')
            {
                // prefer a first name seen with a nominative surname
                let nominative = matches!(rest, "" | "а") || (kazakh && !rest.is_empty());
                if p.first.is_none() || nominative && rest.is_empty() {
                    p.first = Some(f.clone());
                }
            }
        }
        for (ri, r) in raws.iter().enumerate() {
            let pidx = raw_person[ri];
            let p = &people.persons[pidx];
            let female = p.female_votes > 0;
            let nominative = if female {
                r.rest == "а"
            } else {
                r.rest.is_empty()
            };
            let _ = &r.surname_base;
            people.refs.push(Ref {
                para: r.para,
                start: r.start,
                end: r.end,
                kind: RefKind::Person(pidx),
                nominative,
                quoted: false,
            });
        }
        let bases: HashMap<String, String> = raws
            .iter()
            .map(|r| (r.key.clone(), r.surname_base.clone()))
            .collect();
        for p in people.persons.iter_mut() {
            let female = p.female_votes > 0;
            let base = bases.get(&p.key).cloned().unwrap_or_default();
            let surname = if female { format!("{base}а") } else { base };
            let first = p
                .first
                .as_deref()
                .map(|f| nominative_first_name(f, female, kazakh));
            p.name = match first {
                Some(f) => format!("{f} {surname}"),
                None => surname,
            };
            if p.president {
                p.name = if kazakh || p.key == "тоқаев" {
                    PRESIDENT_KK.into()
                } else {
                    PRESIDENT_RU.into()
                };
            }
        }
        // role links
        let mut role_link: HashMap<String, Vec<(usize, usize, usize)>> = HashMap::new();
        for (pi, start, role, raw) in &links {
            role_link
                .entry(role.clone())
                .or_default()
                .push((*pi, *start, raw_person[*raw]));
        }
        // resolve roles
        let main = people.main_person();
        for mut r in others {
            if let RefKind::Role {
                role,
                person,
                president,
            } = &mut r.kind
            {
                if *president {
                    *person = Some(people.president_index());
                } else if let Some(cands) = role_link.get(role.as_str()) {
                    // the link at this place, else the latest before it, else the first
                    let here = cands.iter().find(|(p, s, _)| *p == r.para && *s == r.start);
                    let before = cands
                        .iter()
                        .rev()
                        .find(|(p, s, _)| (*p, *s) < (r.para, r.start));
                    *person = here.or(before).or(cands.first()).map(|c| c.2);
                } else if role == "спикер"
                    || role == "председател"
                    || role == "басшы"
                    || role == "төраға"
                {
                    *person = main;
                }
            }
            people.refs.push(r);
        }
        people.refs.sort_by_key(|r| (r.para, r.start));
        people
    }

    fn president_index(&mut self) -> usize {
        if let Some(i) = self.persons.iter().position(|p| p.president) {
            return i;
        }
        self.persons.push(Person {
            name: if self.kazakh {
                PRESIDENT_KK.into()
            } else {
                PRESIDENT_RU.into()
            },
            key: "токаев".into(),
            first: None,
            female_votes: 0,
            mentions: 0,
            president: true,
        });
        self.persons.len() - 1
    }

    /// The most mentioned person other than the President.
    fn main_person(&self) -> Option<usize> {
        self.persons
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.president && p.mentions > 0)
            .max_by_key(|(i, p)| (p.mentions, usize::MAX - i))
            .map(|(i, _)| i)
    }

    /// Marks references inside quotations.
    pub fn mark_quoted(&mut self, para: usize, start: usize, end: usize) {
        let lo = self
            .refs
            .partition_point(|r| (r.para, r.start) < (para, start));
        for r in self.refs[lo..].iter_mut() {
            if r.para != para || r.start >= end {
                break;
            }
            if r.end <= end {
                r.quoted = true;
            }
        }
    }

    /// The references inside `para[start..end]`, in order.
    fn refs_in(&self, para: usize, start: usize, end: usize) -> impl Iterator<Item = &Ref> {
        let lo = self
            .refs
            .partition_point(|r| (r.para, r.start) < (para, start));
        self.refs[lo..]
            .iter()
            .take_while(move |r| r.para == para && r.start < end)
            .filter(move |r| r.end <= end)
    }

    /// The person a pronoun at (`para`, `pos`) most likely means.
    pub fn antecedent(&self, para: usize, pos: usize, female: Option<bool>) -> Option<usize> {
        let fits = |i: usize| female.is_none_or(|f| (self.persons[i].female_votes > 0) == f);
        let mut fallback = None;
        let hi = self
            .refs
            .partition_point(|r| (r.para, r.start) < (para, pos));
        for r in self.refs[..hi].iter().rev() {
            if r.quoted {
                continue;
            }
            if para >= 3 && r.para + 3 < para {
                break;
            }
            let person = match &r.kind {
                RefKind::Person(i) => Some(*i),
                RefKind::Role { person, .. } => *person,
                _ => None,
            };
            if let Some(i) = person.filter(|&i| fits(i)) {
                if r.nominative {
                    return Some(i);
                }
                if fallback.is_none() {
                    fallback = Some(i);
                }
            }
        }
        fallback.or_else(|| {
            // nothing before: the main person of the article when they fit
            self.main_person().filter(|&i| fits(i))
        })
    }

    /// The body most recently named before (`para`, `pos`) other than the
    /// generic "ведомство".
    fn previous_body(&self, para: usize, pos: usize) -> Option<String> {
        let hi = self
            .refs
            .partition_point(|r| (r.para, r.start) < (para, pos));
        self.refs[..hi].iter().rev().find_map(|r| match &r.kind {
            RefKind::Body(b) if !b.starts_with("ведомств") => Some(b.clone()),
            _ => None,
        })
    }

    /// The speaker named in `para[start..end]` (an attribution clause): a
    /// person, a role (resolved), a pronoun (resolved), or a body.
    pub fn speaker_in(&self, para: usize, start: usize, end: usize) -> Option<Speaker> {
        let refs: Vec<&Ref> = self.refs_in(para, start, end).collect();
        // a named person wins over a role or a pronoun in the same clause
        if let Some(r) = refs.iter().find(|r| matches!(r.kind, RefKind::Person(_))) {
            if let RefKind::Person(i) = r.kind {
                return Some(Speaker::Person(i));
            }
        }
        for r in &refs {
            match &r.kind {
                RefKind::Role { role, person, .. } => {
                    return Some(match person {
                        Some(i) => Speaker::Person(*i),
                        None => Speaker::Other(role.clone()),
                    });
                }
                RefKind::Pronoun { female } => {
                    if let Some(i) = self.antecedent(para, r.start, *female) {
                        return Some(Speaker::Person(i));
                    }
                }
                RefKind::Body(b) => {
                    if b.starts_with("ведомств") {
                        if let Some(prev) = self.previous_body(para, r.start) {
                            return Some(Speaker::Other(prev));
                        }
                    }
                    return Some(Speaker::Other(b.clone()));
                }
                RefKind::Person(_) => {}
            }
        }
        None
    }

    /// All referring expressions in a clause, in order, resolved to speakers.
    pub fn speakers_in(&self, para: usize, start: usize, end: usize) -> Vec<(usize, Speaker)> {
        let mut out = Vec::new();
        for r in self.refs_in(para, start, end) {
            let s = match &r.kind {
                RefKind::Person(i) => Some(Speaker::Person(*i)),
                RefKind::Role {
                    person: Some(i), ..
                } => Some(Speaker::Person(*i)),
                RefKind::Role {
                    role, person: None, ..
                } => Some(Speaker::Other(role.clone())),
                RefKind::Pronoun { female } => {
                    self.antecedent(para, r.start, *female).map(Speaker::Person)
                }
                RefKind::Body(b) => Some(Speaker::Other(b.clone())),
            };
            if let Some(s) = s {
                out.push((r.start, s));
            }
        }
        out
    }

    /// The display name of a speaker.
    pub fn name_of(&self, s: &Speaker) -> String {
        match s {
            Speaker::Person(i) => self
                .persons
                .get(*i)
                .map(|p| p.name.clone())
                .unwrap_or_default(),
            Speaker::Other(o) => o.clone(),
        }
    }

    /// The persons mentioned outside page chrome, in order of first mention.
    pub fn names(&self) -> Vec<String> {
        let mut seen = Vec::new();
        for r in &self.refs {
            let idx = match &r.kind {
                RefKind::Person(i) => Some(*i),
                RefKind::Role {
                    person: Some(i),
                    president: true,
                    ..
                } => Some(*i),
                _ => None,
            };
            if let Some(i) = idx
                && !seen.contains(&i)
            {
                seen.push(i);
            }
        }
        seen.into_iter()
            .filter_map(|i| self.persons.get(i))
            .filter(|p| p.name.contains(' ') || p.mentions >= 2)
            .map(|p| p.name.clone())
            .collect()
    }

    /// The person with this index.
    pub fn person(&self, i: usize) -> Option<&Person> {
        self.persons.get(i)
    }

    /// The token (for tests).
    pub fn _tok<'a>(t: &Tok<'a>) -> &'a str {
        t.text
    }
}

/// The nominative of a first name seen in some case.
fn nominative_first_name(f: &str, female: bool, kazakh: bool) -> String {
    if kazakh {
        return f.to_string();
    }
    let chars: Vec<char> = f.chars().collect();
    let n = chars.len();
    if n < 4 {
        return f.to_string();
    }
    let s = |k: usize| chars[..n - k].iter().collect::<String>();
    let consonant = |c: char| {
        !"аеёиоуыэюяьй".contains(c.to_lowercase().next().unwrap_or(c)) && c.is_alphabetic()
    };
    if female {
        if f.ends_with("ой") || f.ends_with("ей") {
            return format!("{}а", s(2));
        }
        if f.ends_with(['ы', 'у', 'е']) && consonant(chars[n - 2]) {
            return format!("{}а", s(1));
        }
        return f.to_string();
    }
    if (f.ends_with("ом") || f.ends_with("ем")) && consonant(chars[n - 3]) {
        return s(2);
    }
    if f.ends_with(['а', 'у', 'е']) && consonant(chars[n - 2]) {
        return s(1);
    }
    f.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn surnames_map_back() {
        assert_eq!(
            analyze_surname("Кошановым").map(|x| x.0),
            Some("Кошанов".into())
        );
        assert_eq!(
            analyze_surname("Тоқаевтың").map(|x| x.0),
            Some("Тоқаев".into())
        );
        assert_eq!(
            analyze_surname("Альназаровой").map(|x| x.1),
            Some("ой".into())
        );
        assert!(analyze_surname("Казахстан").is_none());
    }

    #[test]
    fn inflected_names_resolve() {
        let paras = [
            "Заголовок",
            "Встреча прошла с участием президента Касым-Жомарта Токаева и министра Акмарал Альназаровой.",
            "Позже Ерлан Кошанов выступил. Кошановым было сказано многое.",
        ];
        let p = People::find(&paras, false);
        let names = p.names();
        assert!(
            names.contains(&"Касым-Жомарт Токаев".to_string()),
            "{names:?}"
        );
        assert!(
            names.contains(&"Акмарал Альназарова".to_string()),
            "{names:?}"
        );
        assert!(names.contains(&"Ерлан Кошанов".to_string()), "{names:?}");
    }

    #[test]
    fn president_without_name() {
        let paras = ["Заголовок", "Глава государства поручил правительству."];
        let p = People::find(&paras, false);
        assert_eq!(p.names(), vec!["Касым-Жомарт Токаев".to_string()]);
    }

    #[test]
    fn caption_is_a_name() {
        assert_eq!(
            caption_name("АСЕЛЬ НУРЛАНОВА, аким села Акжар:"),
            Some("АСЕЛЬ НУРЛАНОВА")
        );
        assert_eq!(caption_name("Он сказал:"), None);
    }
}
