//! Direct quotes and their speakers.
//!
//! Quotes are found three ways: text in quote marks (« », “ ”, „ “, " ",
//! nested), speech paragraphs opened by a dash (`– …, – сказал он.`), and the
//! paragraph after a TV-style caption (`ИМЯ ФАМИЛИЯ, должность:`).
//! Attribution is looked for after the quote (`«…», — заявил X.`), before it
//! with a colon (`X: «…»`, also across paragraphs), inside it for split quotes
//! (`«…, — сказала X, — …»`), and in `по словам X` / `X айтуынша`. Names of
//! programmes, parties, media and scare quotes are told apart from speech by
//! their length, shape and the words around them.

use super::lexicon::{LangLexicon, Lexicon};
use super::people::{People, Speaker, caption_name, inline_caption};
use super::text::{Tok, ceil_char, dash, floor_char, fold, sentence_starts, tokens};

pub(crate) fn is_verb(folded: &str) -> bool {
    // "деп"/"dep" only as the word itself (not депутат, департамент)
    if matches!(folded, "деп" | "dep") {
        return true;
    }
    let lx = Lexicon::shared();
    lx.ru
        .speech_verbs
        .iter()
        .any(|v| folded.starts_with(v.as_str()))
        || lx
            .kk
            .speech_verbs
            .iter()
            .any(|v| !matches!(v.as_str(), "деп" | "dep") && folded.starts_with(v.as_str()))
}

/// A Russian speech verb in the plural past, with no subject of its own
/// ("сообщили", "ответили"): a body speaks.
pub(crate) fn is_impersonal_verb(folded: &str) -> bool {
    folded.ends_with("ли")
        && Lexicon::shared()
            .ru
            .speech_verbs
            .iter()
            .any(|v| folded.starts_with(v.as_str()))
}

/// The marks that open or close a quote.
const QUOTE_MARKS: [char; 6] = ['«', '»', '“', '”', '„', '"'];

fn is_open(c: char) -> bool {
    matches!(c, '«' | '“' | '„' | '"')
}

/// True when `close` ends a quotation opened by `open`.
fn closes(open: char, close: char) -> bool {
    matches!(
        (open, close),
        ('«', '»') | ('“', '”') | ('“', '“') | ('„', '“') | ('„', '”') | ('"', '"')
    )
}

/// A quoted span in one paragraph (byte offsets).
#[derive(Debug, Clone)]
struct Span {
    open: usize,
    inner_start: usize,
    inner_end: usize,
    end: usize,
    closed: bool,
    mark: char,
    children: Vec<Span>,
}

/// Top-level quoted spans of a paragraph, with their nested spans.
fn spans(para: &str) -> Vec<Span> {
    let mut out: Vec<Span> = Vec::new();
    // (mark, open byte, children)
    let mut stack: Vec<(char, usize, Vec<Span>)> = Vec::new();
    let chars: Vec<(usize, char)> = para.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if !matches!(c, '«' | '»' | '“' | '”' | '„' | '"') {
            continue;
        }
        let prev = if k > 0 { Some(chars[k - 1].1) } else { None };
        let next = chars.get(k + 1).map(|x| x.1);
        let boundary_before = prev.is_none_or(|p| p.is_whitespace() || "([{«“„—–-:/".contains(p));
        let boundary_after = next.is_none_or(|n| n.is_whitespace() || ",.;:!?)»”…—–-".contains(n));
        let close_to = |stack: &mut Vec<(char, usize, Vec<Span>)>,
                        out: &mut Vec<Span>,
                        marks: &[char]|
         -> bool {
            let Some(pos) = stack.iter().rposition(|(m, _, _)| marks.contains(m)) else {
                return false;
            };
            stack.truncate(pos + 1);
            if let Some((m, open, children)) = stack.pop() {
                let span = Span {
                    open,
                    inner_start: open + m.len_utf8(),
                    inner_end: i,
                    end: i + c.len_utf8(),
                    closed: true,
                    mark: m,
                    children,
                };
                match stack.last_mut() {
                    Some(parent) => parent.2.push(span),
                    None => out.push(span),
                }
            }
            true
        };
        match c {
            // "…асырдық«,– деді": an opening mark written after a word and
            // before punctuation closes the open quote (a typo of »)
            '«' if !boundary_before
                && boundary_after
                && stack.iter().any(|(m, _, _)| *m == '«') =>
            {
                close_to(&mut stack, &mut out, &['«']);
            }
            '«' | '„' => stack.push((c, i, Vec::new())),
            '»' => {
                close_to(&mut stack, &mut out, &['«']);
            }
            '”' => {
                close_to(&mut stack, &mut out, &['“', '„']);
            }
            '“' => {
                if stack.iter().any(|(m, _, _)| *m == '„') {
                    close_to(&mut stack, &mut out, &['„']);
                } else if stack.last().is_some_and(|(m, _, _)| *m == '“')
                    && boundary_after
                    && !boundary_before
                {
                    close_to(&mut stack, &mut out, &['“']);
                } else {
                    stack.push((c, i, Vec::new()));
                }
            }
            '"' => {
                let has_open = stack.iter().any(|(m, _, _)| *m == '"');
                if has_open && (!boundary_before || boundary_after) {
                    close_to(&mut stack, &mut out, &['"']);
                } else if boundary_before {
                    stack.push((c, i, Vec::new()));
                } else if has_open {
                    close_to(&mut stack, &mut out, &['"']);
                }
            }
            _ => {}
        }
    }
    // an unclosed opener runs to the end of the paragraph
    if let Some((m, open, children)) = stack.into_iter().next() {
        out.push(Span {
            open,
            inner_start: open + m.len_utf8(),
            inner_end: para.len(),
            end: para.len(),
            closed: false,
            mark: m,
            children,
        });
    }
    out
}

/// A found quote before it becomes a [`super::Quote`].
#[derive(Debug, Clone)]
pub struct Found {
    pub text: String,
    pub speaker: Option<Speaker>,
    pub via: Option<Speaker>,
    pub role: Option<String>,
    pub para: usize,
}

/// Where an attribution clause lies.
#[derive(Debug, Clone, Copy)]
struct Clause {
    para: usize,
    start: usize,
    end: usize,
}

/// The attribution clause right after a quote: `, — сказал X.`,
/// `, – деді ол.`, `деп атап өтті …`. Returns the clause and, when the
/// clause is followed by `, — ` and more speech, where that speech starts.
fn clause_after(para: &str, from: usize, after_sep: bool) -> Option<(usize, usize, Option<usize>)> {
    let limit = ceil_char(para, from + 400);
    let s = &para[from..limit];
    let mut idx = 0;
    let mut saw_sep = false;
    let bytes: Vec<(usize, char)> = s.char_indices().collect();
    let mut k = 0;
    while k < bytes.len() {
        let c = bytes[k].1;
        if c.is_whitespace() {
            k += 1;
            continue;
        }
        if matches!(c, ',' | '.' | '!' | '?' | '…') || dash(c) {
            saw_sep = true;
            k += 1;
            continue;
        }
        idx = bytes[k].0;
        break;
    }
    if k >= bytes.len() {
        return None;
    }
    let rest = &s[idx..];
    // clause end: sentence end, a new quote, or a split marker ", —"
    let mut end = rest.len();
    let mut cont = None;
    let rc: Vec<(usize, char)> = rest.char_indices().collect();
    for (j, &(b, c)) in rc.iter().enumerate() {
        if matches!(c, '.' | '!' | '?' | ';' | ':' | '\n') {
            // an initial ("К. Токаев") does not end the clause
            if c == '.'
                && j >= 1
                && rc[j - 1].1.is_uppercase()
                && (j < 2 || !rc[j - 2].1.is_alphabetic())
            {
                continue;
            }
            end = b;
            // ". — more speech"
            let after = &rest[b + c.len_utf8()..];
            let t = after.trim_start();
            if c == '.' && t.starts_with(dash) {
                let t2 = t.trim_start_matches(dash).trim_start();
                if !t2.is_empty() {
                    cont = Some(from + idx + b + c.len_utf8() + (after.len() - t2.len()));
                }
            }
            break;
        }
        if c == ',' {
            let after = &rest[b + 1..];
            let t = after.trim_start();
            if t.starts_with(dash) {
                let t2 = t.trim_start_matches(dash).trim_start();
                end = b;
                if !t2.is_empty() {
                    cont = Some(from + idx + b + 1 + (after.len() - t2.len()));
                }
                break;
            }
        }
    }
    let clause = &rest[..end];
    let toks = tokens(clause);
    if toks.is_empty() {
        return None;
    }
    // a verb among the first words (or an outlet's «передает»)
    let has_verb = toks.iter().take(5).any(|t| is_verb(&fold(t.text))) || relayed(clause);
    // with no comma or dash after the quote, only a speech verb right there
    // attributes it ("«…» деп атап өтті"); "«Ауыл – Ел бесігі» жобасын
    // жалғастыруды тапсырды" names a project
    let first_is_verb = toks.first().is_some_and(|t| {
        matches!(
            fold(t.text).as_str(),
            "деп"
                | "деді"
                | "дейді"
                | "деген"
                | "делінген"
                | "dep"
                | "dedı"
                | "dedi"
                | "deidı"
        )
    });
    if !has_verb || !saw_sep && !after_sep && !first_is_verb {
        return None;
    }
    Some((from + idx, from + idx + end, cont))
}

/// "Об этом сообщил X." right after a quote that ends its sentence.
fn clause_next_sentence(para: &str, from: usize) -> Option<(usize, usize)> {
    let s = &para[from..];
    let t = s.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '.' | '!' | '?' | '…'));
    if t.len() == s.len() && !s.is_empty() {
        return None;
    }
    let start = from + (s.len() - t.len());
    let lower: String = t.chars().take(20).collect::<String>().to_lowercase();
    if !(lower.starts_with("об этом")
        || lower.starts_with("так ")
        || lower.starts_with("такими словами")
        || lower.starts_with("такое мнение")
        || lower.starts_with("эти слова")
        || lower.starts_with("бұл туралы")
        || lower.starts_with("осылай"))
    {
        return None;
    }
    let end_rel = t.find(['.', '!', '?']).unwrap_or(t.len().min(300));
    let end = floor_char(para, start + end_rel);
    let clause = &para[start..end];
    tokens(clause)
        .iter()
        .take(6)
        .any(|w| is_verb(&fold(w.text)))
        .then_some((start, end))
}

/// The start of the sentence holding byte `pos` (binary search over the
/// sorted sentence starts).
fn sentence_before(starts: &[usize], pos: usize) -> usize {
    let i = starts.partition_point(|&s| s <= pos);
    if i == 0 { 0 } else { starts[i - 1] }
}

/// Kinds of attribution before a quote.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Before {
    /// `X заявил:` / `X:` / a caption paragraph.
    Colon,
    /// `По словам X,` / `X айтуынша,`.
    PoSlovam,
    /// `X заявил, что «…»`.
    That,
}

/// The attribution before a quote opening at `open` in paragraph `pi`.
fn clause_before(
    paras: &[&str],
    pi: usize,
    open: usize,
    starts: &[usize],
) -> Option<(Clause, Before)> {
    let para = paras[pi];
    let sent_start = sentence_before(starts, open);
    let lo = floor_char(para, sent_start.max(open.saturating_sub(400)));
    let before = &para[lo..open];
    let trimmed = before.trim_end();
    if trimmed.trim_start_matches(dash).trim().is_empty() {
        // the quote opens its paragraph: a colon or caption line just before
        if pi >= 2 {
            let prev = paras[pi - 1].trim_end();
            if prev.ends_with(':') {
                let pstarts = sentence_starts(prev);
                let ps = pstarts.last().copied().unwrap_or(0);
                let ps = floor_char(prev, ps.max(prev.len().saturating_sub(400)));
                return Some((
                    Clause {
                        para: pi - 1,
                        start: ps,
                        end: prev.len(),
                    },
                    Before::Colon,
                ));
            }
        }
        return None;
    }
    if trimmed.ends_with(':') {
        return Some((
            Clause {
                para: pi,
                start: lo,
                end: open,
            },
            Before::Colon,
        ));
    }
    let lower = fold(trimmed);
    if lower.contains("по словам")
        || Lexicon::shared()
            .ru
            .possessives
            .iter()
            .any(|p| lower.contains(&format!("по {} словам", p.word)))
        || lower.contains("по мнению")
        || lower.contains("айтуынша")
        || lower.contains("aituynşa")
        || lower.contains("sözınşe")
        || lower.contains("сөзінше")
        || lower.starts_with("как ") && trimmed.ends_with(',')
    {
        return Some((
            Clause {
                para: pi,
                start: lo,
                end: open,
            },
            Before::PoSlovam,
        ));
    }
    if lower.ends_with(", что") || lower.ends_with(" что") {
        let toks = tokens(trimmed);
        if toks.iter().any(|t| is_verb(&fold(t.text))) {
            return Some((
                Clause {
                    para: pi,
                    start: lo,
                    end: open,
                },
                Before::That,
            ));
        }
    }
    None
}

/// The speaker's gender from the clause's verb ("сказала" → female).
fn clause_gender(clause: &str) -> Option<bool> {
    for t in tokens(clause) {
        let f = fold(t.text);
        if Lexicon::shared()
            .ru
            .speech_verbs
            .iter()
            .any(|v| f.starts_with(v.as_str()))
        {
            if f.ends_with("ла") || f.ends_with("лась") {
                return Some(true);
            }
            if f.ends_with('л') || f.ends_with("лся") {
                return Some(false);
            }
        }
        match f.as_str() {
            "она" => return Some(true),
            "он" => return Some(false),
            _ => {}
        }
    }
    None
}

/// Speaker and relaying person in a clause ("Кошанов напомнил мысль
/// президента:" → президент via Кошанов; "Желдібайдың сөзінше, Мемлекет
/// басшысы былай деді:" → Мемлекет басшысы via Желдібай). With no one named,
/// the nearest fitting person before the clause ("— сказала девочка").
fn speaker_via(people: &People, para: &str, c: Clause) -> (Option<Speaker>, Option<Speaker>) {
    // "— сказал глава МИД, подчеркнув, что президент Дональд Трамп …": what
    // follows «, что» is reported, not the speaker, once someone is named
    // before it
    let c = match para[c.start..c.end].find(", что ") {
        Some(i)
            if !people
                .ordered_in(c.para, c.start, c.start + i, None)
                .is_empty() =>
        {
            Clause {
                end: c.start + i,
                ..c
            }
        }
        _ => c,
    };
    let clause = &para[c.start..c.end];
    let female = clause_gender(clause);
    let refs = people.ordered_in(c.para, c.start, c.end, female);
    // "— написал один из жителей", "– дейді ауыл тұрғындары": no one named
    // in the nominative speaks
    if let Some(group) = one_of_group(clause).or_else(|| group_of_people(clause))
        && refs.iter().all(|(_, _, oblique)| *oblique)
    {
        return (Some(Speaker::Other(group)), None);
    }
    if refs.is_empty() {
        // "— говорится в сообщении", "— сообщили в ведомстве": a body speaks,
        // the one named last
        let impersonal = tokens(clause).iter().take(6).any(|t| {
            let f = fold(t.text);
            matches!(
                f.as_str(),
                "говорится"
                    | "сказано"
                    | "отмечается"
                    | "сообщается"
                    | "делінген"
                    | "делінеді"
            ) || is_impersonal_verb(&f)
        });
        if impersonal {
            return (
                people.previous_body_at(c.para, c.start).map(Speaker::Other),
                None,
            );
        }
        // "— говорит жительница Акжара Айгерим": a first name the text gives
        // only here, closing the clause (two-word names are people already);
        // "— подчеркнул Ван И": a one-letter given name after the surname
        // (Chinese names) closes a name too
        let toks = tokens(clause);
        let one_letter_name = |k: usize| {
            k >= 2 && {
                let (p, t) = (&toks[k - 1], &toks[k]);
                t.text.chars().count() == 1
                    && t.is_capitalized()
                    && p.is_capitalized()
                    && p.text.chars().count() >= 2
                    && p.text.chars().any(char::is_lowercase)
                    && clause[p.end..t.start].trim().is_empty()
                    && !super::people::not_name(&fold(p.text))
            }
        };
        let last = toks.len().saturating_sub(1);
        let name_start = if one_letter_name(last) {
            Some(toks[last - 1].start)
        } else {
            toks.last()
                .filter(|t| {
                    toks.len() >= 2
                        && t.is_capitalized()
                        && t.text.chars().count() >= 3
                        && t.text.chars().any(char::is_lowercase)
                        && t.text.chars().all(char::is_alphabetic)
                        && !super::people::not_name(&fold(t.text))
                        // (a word the dictionary knows as no name: "сказал
                        // представитель Кремля")
                        && !crate::text::morph::analyse(t.text).is_some_and(|i| i.known && !i.name && !i.surname)
                })
                .map(|t| t.start)
        };
        if let Some(start) = name_start {
            let t = toks[last];
            let before = clause[..start].to_lowercase();
            // not a place after "села", "района", "в"
            let place = [
                "села ",
                "аула ",
                "района ",
                "области ",
                "города ",
                " в ",
                " из ",
                "ауылы ",
                "ауданы ",
            ]
            .iter()
            .any(|p| before.ends_with(p));
            if !place {
                return (Some(Speaker::Other(clause[start..t.end].to_string())), None);
            }
        }
        // a noun for a person that opens the clause as its subject
        // ("Житель села Рыспай напомнил, что …:"); else someone spoken of
        // before; else a noun after the verb ("– говорит жительница"); else
        // the article's main person
        let person = |i: Option<usize>| i.map(Speaker::Person);
        let first_word = toks.first().map_or(c.end, |t| c.start + t.end);
        let noun = people.unnamed_noun_in(c.para, c.start, c.end);
        if noun.is_some()
            && people
                .unnamed_noun_in(c.para, c.start, first_word)
                .is_some()
        {
            return (noun, None);
        }
        return (
            person(people.antecedent_before(c.para, c.start, female))
                .or(noun)
                .or_else(|| person(people.main_fitting(female))),
            None,
        );
    }
    let toks = tokens(clause);
    let first_other = |sp: &Speaker, before: usize| {
        refs.iter()
            .find(|(pos, s, _)| *pos < before && s != sp)
            .map(|x| x.1.clone())
    };
    for (k, t) in toks.iter().enumerate() {
        let f = fold(t.text);
        let at = c.start + t.start;
        let after_end = toks.get(k + 5).map_or(c.end, |x| c.start + x.end);
        // "according to X": X relays, the one named after speaks
        // "По ее словам, «…»": the one spoken of before, of that gender
        if f == "словам" && k >= 2 && fold(toks[k - 2].text) == "по" {
            let possessive = fold(toks[k - 1].text);
            let female = Lexicon::shared()
                .ru
                .possessives
                .iter()
                .find(|p| p.word == possessive)
                .map(|p| p.female);
            if let Some(female) = female {
                return (
                    people
                        .antecedent(c.para, c.start, female)
                        .map(Speaker::Person),
                    None,
                );
            }
        }
        let according = f == "сөзінше"
            || f == "айтуынша"
            || (f == "словам" && k > 0 && fold(toks[k - 1].text) == "по");
        if according {
            let relay = if f == "словам" {
                refs.iter()
                    .find(|(pos, _, _)| *pos > at && *pos <= after_end)
                    .map(|x| x.1.clone())
            } else {
                refs.iter()
                    .rev()
                    .find(|(pos, _, _)| *pos < at)
                    .map(|x| x.1.clone())
            };
            let relay_pos = refs.iter().position(|x| Some(&x.1) == relay.as_ref());
            let speaker = refs
                .iter()
                .enumerate()
                .find(|(i, (pos, s, _))| {
                    Some(*i) != relay_pos && *pos > at && Some(s) != relay.as_ref()
                })
                .map(|(_, x)| x.1.clone());
            if speaker.is_some() {
                return (speaker, relay);
            }
            continue;
        }
        // ", который ответил:" — the one named just before speaks
        if f.starts_with("котор")
            && k > 0
            && let Some(sp) = refs
                .iter()
                .rev()
                .find(|(pos, _, _)| *pos < at)
                .map(|x| x.1.clone())
        {
            let via = first_other(&sp, at);
            return (Some(sp), via);
        }
        let words_of = Lexicon::shared()
            .both(|l| &l.words_of)
            .any(|w| f.starts_with(w) && f.chars().count() <= w.chars().count() + 4)
            && !(f == "ой" && toks.len() < 3);
        if words_of {
            // Russian: the speaker follows in the genitive ("мысль президента")
            if let Some((_, sp, _)) = refs
                .iter()
                .find(|(pos, _, _)| *pos > at && *pos <= after_end)
            {
                return (Some(sp.clone()), first_other(sp, at));
            }
            // Kazakh: the speaker precedes in the genitive ("Тоқаевтың … сөзін")
            if let Some((_, sp, _)) = refs
                .iter()
                .rev()
                .find(|(pos, _, oblique)| *pos < at && *oblique && people.genitive_at(c.para, *pos))
            {
                let via = refs
                    .iter()
                    .find(|(pos, s, _)| *pos < at && s != sp)
                    .map(|x| x.1.clone());
                return (Some(sp.clone()), via);
            }
        }
    }
    if toks.iter().take(3).any(|t| c.start + t.start == refs[0].0)
        && let Some(sp) = people.leading_pronoun(c.para, c.start, c.end, female)
    {
        return (Some(sp), None);
    }
    let named = people.speakers_in(c.para, c.start, c.end, female);
    (named.first().map(|x| x.1.clone()), None)
}

/// One of a group of people the text names no one of, in an attribution
/// clause: "тұрғындардың бірі" (a person noun in the genitive, then
/// «бірі»), "один из жителей". Returns the phrase as written.
fn one_of_group(clause: &str) -> Option<String> {
    let lx = Lexicon::shared();
    let toks = tokens(clause);
    for k in 1..toks.len() {
        let (prev, word) = (fold(toks[k - 1].text), fold(toks[k].text));
        let kazakh = lx.kk.one_of.contains(&word)
            && lx.kk_person_nouns.starting(&prev).next().is_some()
            && super::people::kazakh_genitive_word(&prev);
        let russian = k >= 2
            && prev == "из"
            && lx.ru.one_of.contains(&fold(toks[k - 2].text))
            && crate::text::morph::analyse(&word)
                .and_then(|i| i.lemma)
                .is_some_and(|l| lx.ru_person_nouns.starting(&fold(&l)).next().is_some());
        if kazakh || russian {
            let from = toks[if kazakh { k - 1 } else { k - 2 }].start;
            return Some(clause[from..toks[k].end].to_string());
        }
    }
    None
}

/// A group of people as the subject of an attribution clause: a plural
/// noun for people ("ауыл тұрғындары", "атыраулықтар", "жители села
/// Коянды", "пенсионеры"). Returns the phrase as written: the Kazakh noun
/// with the word its possessive ending ties it to, the Russian one with
/// the place after it.
fn group_of_people(clause: &str) -> Option<String> {
    let lx = Lexicon::shared();
    let toks = tokens(clause);
    let adjacent = |a: usize, b: usize| clause[toks[a].end..toks[b].start].trim().is_empty();
    for (k, t) in toks.iter().enumerate() {
        if t.is_capitalized() {
            continue;
        }
        let f = fold(t.text);
        let bare = f.strip_suffix(['ы', 'і']).unwrap_or(&f);
        let ending = |suffixes: &[String]| -> Option<usize> {
            suffixes
                .iter()
                .find(|e| bare.ends_with(e.as_str()))
                .map(String::len)
        };
        let kazakh = ending(&lx.kk.demonym_suffixes).is_some_and(|e| bare.len() > e + 4)
            || ending(&lx.kk.plural_suffixes).is_some_and(|e| {
                lx.kk_person_nouns
                    .starting(bare)
                    .any(|(_, stem)| stem.len() + e == bare.len())
            });
        if kazakh {
            let possessive = f.ends_with(['ы', 'і']);
            let from = if possessive && k > 0 && adjacent(k - 1, k) && !toks[k - 1].is_capitalized()
            {
                toks[k - 1].start
            } else {
                t.start
            };
            return Some(clause[from..t.end].to_string());
        }
        // (-и/-ы: the nominative plural of a noun for people; its
        // accusative is the genitive "жителей")
        let russian = f.ends_with(['и', 'ы'])
            && crate::text::morph::analyse(&f)
                .and_then(|i| i.lemma)
                .is_some_and(|l| {
                    let l = fold(&l);
                    l != f && lx.ru_person_nouns.starting(&l).next().is_some()
                });
        if russian {
            let mut end = t.end;
            if toks
                .get(k + 1)
                .is_some_and(|n| adjacent(k, k + 1) && lx.has(|l| &l.place_nouns, &fold(n.text)))
            {
                end = toks[k + 1].end;
                if toks
                    .get(k + 2)
                    .is_some_and(|n| adjacent(k + 1, k + 2) && n.is_capitalized())
                {
                    end = toks[k + 2].end;
                }
            } else if toks
                .get(k + 1)
                .is_some_and(|n| adjacent(k, k + 1) && n.is_capitalized())
            {
                // "жители Степного": the place in the genitive
                end = toks[k + 1].end;
            }
            return Some(clause[t.start..end].to_string());
        }
    }
    None
}

fn naming_context(para: &str, span: &Span) -> bool {
    let before = &para[floor_char(para, span.open.saturating_sub(80))..span.open];
    if let Some(w) = tokens(before).last()
        && before[w.end..].trim().is_empty()
    {
        let f = fold(w.text);
        // "=word" entries match only that form ("указ", not "указал")
        if Lexicon::shared()
            .both(|l| &l.naming_before)
            .any(|n| match n.strip_prefix('=') {
                Some(exact) => f == exact,
                None => f.starts_with(n),
            })
        {
            return true;
        }
    }
    let after = &para[span.end..ceil_char(para, span.end + 60)];
    if let Some(w) = tokens(after).first()
        && after[..w.start].trim().is_empty()
    {
        let f = fold(w.text);
        if Lexicon::shared()
            .both(|l| &l.naming_after)
            .any(|n| f.starts_with(n))
        {
            return true;
        }
    }
    false
}

/// True when most words are capitalised: a name, not speech.
fn title_like(text: &str) -> bool {
    let toks = tokens(text);
    let caps = toks.iter().filter(|t| t.is_capitalized()).count();
    toks.len() <= 7 && caps * 3 >= toks.len() * 2
}

fn sentence_like(text: &str) -> bool {
    let t = text.trim();
    t.chars()
        .next()
        .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit())
        && (t.contains(['.', '!', '?', ',', '…']) || tokens(t).len() >= 8)
}

fn clean(text: &str) -> String {
    let t = text
        .trim()
        .trim_matches(|c: char| c.is_whitespace() || c == ',');
    let mut out = String::with_capacity(t.len());
    let mut space = false;
    for c in t.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out.trim_end_matches([',', ' ']).to_string()
}

/// Splits quote text around an inner attribution ("…, — сказала X, — …").
/// Returns the joined text and the clause range (relative to `text`).
fn split_inner(text: &str) -> Option<(String, usize, usize)> {
    split_inner_after(text, 0)
}

/// [`split_inner`] with the attribution dash at or after byte `min`.
fn split_inner_after(text: &str, min: usize) -> Option<(String, usize, usize)> {
    // (from the char before `min` on, so that the work is the text's after it)
    let from = floor_char(text, min.saturating_sub(1));
    let mut prev = None;
    for (b, c) in text[from..].char_indices().map(|(b, c)| (from + b, c)) {
        let before_c = prev.replace(c);
        let Some(p) = before_c else {
            continue;
        };
        if b < min || !dash(c) || c == '-' && !p.is_whitespace() {
            continue;
        }
        // punctuation then space before the dash
        let before = text[..b].trim_end();
        if !before.ends_with([',', '.', '!', '?', '…']) || before.len() == text[..b].len() {
            continue;
        }
        let after = &text[b + c.len_utf8()..];
        let from = b + c.len_utf8() + (after.len() - after.trim_start().len());
        if let Some((_, ce, cont)) = clause_after(text, from, true) {
            // part one as written (its comma kept), one space, part two
            let part1 = before;
            let part2 = cont.map(|p| &text[p..]).unwrap_or("");
            let joined = if part2.is_empty() {
                part1.to_string()
            } else {
                format!("{} {}", part1, part2.trim_start_matches(dash).trim_start())
            };
            return Some((joined, from, ce));
        }
    }
    None
}

/// Direct speech with no opening mark, the dash only after it: `Работы
/// много, – отметил аким. – Но к зиме успеем.`, `…, – деді әкім.` The
/// paragraph opens with the speech and holds no quote marks; a speech verb
/// starts the clause after the dash. Returns the speech (both parts) and the
/// clause range. When no dash opens it mid-paragraph either, the speech
/// starts after the last whole sentence before it whose subject is a person,
/// a role or a pronoun (`Аким района Болат Жумабеков объехал участки.
/// Работы много, – отметил он.`): that sentence is the reporter's. A
/// sentence whose subject is only a pronoun is the reporter's only at the
/// start or right after the reporter's sentence: in the middle of the
/// speech «Ол … беріледі» is "it". `subject_in(start, end)` tells the
/// subject `para[start..end]` holds (see [`People::subject_in`]). Returns
/// the speech (both parts), where it starts and the clause range.
fn unmarked_speech(
    para: &str,
    subject_in: &dyn Fn(usize, usize) -> Option<bool>,
) -> Option<(String, usize, usize, usize)> {
    let t = para.trim_start();
    if t.is_empty() || t.starts_with(dash) {
        return None;
    }
    // the first dash after punctuation whose clause opens with a speech
    // verb ("…, – деді ол"), not one that opens the speech itself ("айтты.
    // – Балаларды …"); an attribution goes on in lower case, so a dash
    // before a capital opens speech ("…по аулам. – Люди спрашивают …, Я
    // обещаю …, – сказала она.")
    let mut min = 0;
    let (joined, cs, ce) = loop {
        let (joined, cs, ce) = split_inner_after(para, min)?;
        let clause = tokens(&para[cs..ce]);
        let capital = para[cs..].chars().next().is_some_and(char::is_uppercase);
        if !capital && clause.iter().take(2).any(|w| is_verb(&fold(w.text))) {
            // (up to the sentence end: the clause stops at the dot of
            // "El.kz")
            let rest = &para[cs..];
            if relays(rest.split(". ").next().unwrap_or(rest)) {
                return None;
            }
            break (joined, cs, ce);
        }
        min = cs;
    };
    // "Мама двоих детей Айгерим получила место. – Я видела очередь, –
    // рассказала она.": the reporter's sentence, then the speech after a
    // sentence end and a dash
    let mut start = speech_start(&para[..cs]);
    if start == 0 {
        // (the sentences up to the attribution's end are all that is read)
        let starts = sentence_starts(&para[..ce]);
        let mut subject_at = None;
        for (k, w) in starts.windows(2).enumerate() {
            if w[1] > cs {
                break;
            }
            match subject_in(w[0], w[1]) {
                Some(false) => subject_at = Some(k),
                Some(true) if k == 0 || subject_at == Some(k - 1) => subject_at = Some(k),
                _ => {}
            }
        }
        // after the reporter's sentence, one that names no one and speaks
        // in no first or second person is the reporter's too
        if let Some(k) = subject_at {
            let mut j = k + 1;
            while j + 1 < starts.len()
                && starts[j + 1] <= cs
                && !in_first_person(&para[starts[j]..starts[j + 1]])
            {
                j += 1;
            }
            start = starts[j];
        }
    }
    if tokens(&para[start..cs]).len() < 2 || start > joined.len() || !joined.is_char_boundary(start)
    {
        return None;
    }
    Some((joined[start..].to_string(), start, cs, ce))
}

/// Every speech with no opening mark in a paragraph (see
/// [`unmarked_speech`]), each after the sentence that ends the attribution
/// before it: `… 11 сёл. – Это начальные работы, – отметил аким. Аким
/// сообщил о деньгах. – До конца года выделим, – заверил он.` A speech
/// whose words hold a quote mark is the marks' to find.
fn unmarked_speeches(
    para: &str,
    subject_in: &dyn Fn(usize, usize) -> Option<bool>,
) -> Vec<(String, usize, usize, usize)> {
    let mut out = Vec::new();
    let mut base = 0;
    while base < para.len() {
        let sub = &para[base..];
        let shifted = |a: usize, b: usize| subject_in(base + a, base + b);
        let Some((speech, start, cs, ce)) = unmarked_speech(sub, &shifted) else {
            break;
        };
        if only_names_in_marks(&sub[start..ce]) {
            out.push((speech, base + start, base + cs, base + ce));
        }
        // the speech goes on after the attribution to the paragraph's end
        let after = sub[ce..].trim_start_matches(['.', ',']).trim_start();
        if after.starts_with(dash) {
            break;
        }
        base += ce;
    }
    out
}

/// Does `text` speak in the first or second person (the lexicon's
/// `speaker_words`: «мы», «наш», «біз»)?
fn in_first_person(text: &str) -> bool {
    let lx = Lexicon::shared();
    tokens(text)
        .iter()
        .any(|t| lx.has(|l| &l.speaker_words, &fold(t.text)))
}

/// Are the spans in quote marks in `text` (if any) short names or phrases
/// inside someone's words («Жайлы мектеп», «қаржы жоқ» деп), none a quote
/// with its own attribution: pairs of marks, five words at most inside
/// each, no dash after one?
fn only_names_in_marks(text: &str) -> bool {
    let mut rest = text;
    while let Some(open) = rest.find(QUOTE_MARKS) {
        let c = rest[open..].chars().next().unwrap_or('"');
        let inner_from = open + c.len_utf8();
        let Some(len) = rest[inner_from..].find(|x: char| closes(c, x)) else {
            return false;
        };
        let inner = &rest[inner_from..inner_from + len];
        if inner.contains(QUOTE_MARKS) || tokens(inner).len() > 5 {
            return false;
        }
        let close_len = rest[inner_from + len..]
            .chars()
            .next()
            .map_or(1, char::len_utf8);
        rest = &rest[inner_from + len + close_len..];
        if rest
            .trim_start()
            .trim_start_matches(',')
            .trim_start()
            .starts_with(dash)
        {
            return false;
        }
    }
    true
}

/// Does an attribution clause name a news outlet or its web address ("деп
/// хабарлайды El.kz порталы", "передает Tengrinews.kz")? Such
/// a clause relays the news: what comes before it is the reporter's text.
/// An outlet spoken to is not one that relays: "рассказывали жители
/// корреспонденту портала", "сообщила порталу" (a Russian dative, or a
/// genitive after one, does not count).
fn relays(clause: &str) -> bool {
    let lx = Lexicon::shared();
    let words: Vec<&str> = clause
        .split_whitespace()
        .map(|w| w.trim_matches(|c: char| !c.is_alphanumeric()))
        .collect();
    let dative = |w: &str| {
        let f = fold(w);
        f.ends_with(['у', 'ю']) && f.chars().any(|c| ('а'..='я').contains(&c))
    };
    words.iter().enumerate().any(|(i, w)| {
        let web_address = w.rsplit_once('.').is_some_and(|(site, tld)| {
            !site.is_empty()
                && (2..=3).contains(&tld.len())
                && tld.chars().all(|c| c.is_ascii_alphabetic())
        });
        let outlet = {
            let f = fold(w);
            lx.both(|l| &l.outlet_words).any(|o| f.starts_with(o))
        };
        (web_address || outlet) && !dative(w) && !(i > 0 && dative(words[i - 1]))
    })
}

/// An attribution clause by which an outlet relays the quote: a relay verb
/// first, then an outlet word, a web address or a name in Latin letters
/// («— передает издание», «— пишет Associated Press»).
fn relayed(clause: &str) -> bool {
    let toks = tokens(clause);
    let lx = Lexicon::shared();
    toks.first()
        .is_some_and(|t| lx.has(|l| &l.outlet_relay_verbs, &fold(t.text)))
        && (relays(clause)
            || toks.get(1).is_some_and(|t| {
                t.is_capitalized() && t.text.chars().all(|c| c.is_ascii_alphabetic())
            }))
}

/// Does a word of `text` start with a stem of the lexicon's `list` (in
/// either language)?
fn has_stem_of(text: &str, list: fn(&LangLexicon) -> &Vec<String>) -> bool {
    let lx = Lexicon::shared();
    tokens(text).iter().any(|t| {
        let f = fold(t.text);
        lx.both(list).any(|w| f.starts_with(w))
    })
}

/// Where speech opened by a dash after a sentence end (`. – `) starts in
/// `before`; 0 when there is none.
fn speech_start(before: &str) -> usize {
    let cs: Vec<(usize, char)> = before.char_indices().collect();
    let mut start = 0;
    for k in 2..cs.len() {
        let (b, c) = cs[k];
        if !dash(c) || !cs[k - 1].1.is_whitespace() {
            continue;
        }
        let prev = before[..b].trim_end();
        let after = &before[b + c.len_utf8()..];
        if prev.ends_with(['.', '!', '?', '…', ':']) && after.starts_with(char::is_whitespace) {
            start = b + c.len_utf8() + (after.len() - after.trim_start().len());
        }
        // the first such dash opens the speech: later ones are inside it
        if start > 0 {
            break;
        }
    }
    start
}

/// Quotes inside someone's words that have their own attribution ("Глава
/// государства прямо сказал: «…»"): the inner speaker speaks, the outer one
/// relays.
fn nested_quotes(
    people: &People,
    para: &str,
    pi: usize,
    outer_start: usize,
    children: &[Span],
    parent_speaker: &Option<Speaker>,
) -> Vec<Found> {
    let mut out = Vec::new();
    for child in children {
        let ctext = &para[child.inner_start..child.inner_end];
        if tokens(ctext).len() < 3 || child.open < outer_start {
            continue;
        }
        let before = para[outer_start..child.open].trim_end();
        if !before.ends_with(':') {
            continue;
        }
        let lo = floor_char(before, before.len().saturating_sub(400));
        let local_starts = sentence_starts(&before[lo..]);
        let ls = lo + local_starts.last().copied().unwrap_or(0);
        let c = Clause {
            para: pi,
            start: outer_start + ls,
            end: child.open,
        };
        let (s, _) = speaker_via(people, para, c);
        if s.is_some() && s != *parent_speaker {
            out.push(Found {
                text: clean(ctext),
                speaker: s,
                via: parent_speaker.clone(),
                role: None,
                para: pi,
            });
        }
    }
    out
}

/// Does the sentence speak of asking ("сұрақ қойды", "спросил министра")?
fn asks(sentence: &str) -> bool {
    has_stem_of(sentence, |l| &l.question_verbs)
}

/// A question in marks the text names as a question (`before` and
/// `after` the marks): "На вопрос «…?» она отвечает", «…?» деген сауалға.
/// It is the asker's, no quote.
fn named_question(text: &str, before: &str, after: &str) -> bool {
    let noun = |t: Option<&Tok>| {
        t.is_some_and(|t| {
            let f = fold(t.text);
            Lexicon::shared()
                .both(|l| &l.question_nouns)
                .any(|stem| f.starts_with(stem) && f.chars().count() <= stem.chars().count() + 4)
        })
    };
    // (the words right beside the marks)
    let before = tokens(&before[floor_char(before, before.len().saturating_sub(60))..]);
    let after = tokens(&after[..ceil_char(after, 60.min(after.len()))]);
    let named_after = match after.first() {
        Some(t) if fold(t.text) == "деген" => noun(after.get(1)),
        first => noun(first),
    };
    text.trim_end().ends_with('?') && (noun(before.last()) || named_after)
}

/// A question (`text` ends in «?») whose clause speaks of asking, asked by
/// a reporter the text does not name: the reporter's words, no quote («…?»
/// деп сұрады журналист, "Корреспондент спросил министра: «…?»"). The
/// reporter is named in `clause` (the attribution) or `before` (the
/// sentence before the quote); `range` (paragraph, start, end) is where a
/// named asker would stand.
fn asked_by_a_reporter(
    people: &People,
    text: &str,
    clause: &str,
    before: &str,
    (pi, start, end): (usize, usize, usize),
) -> bool {
    let reporter = |s: &str| has_stem_of(s, |l| &l.reporter_words);
    text.trim_end().ends_with('?')
        && asks(clause)
        && (reporter(clause) || reporter(before))
        && people.named_subject_in(pi, start, end).is_none()
}

/// A press-conference turn: a line of asking ending in a colon
/// (`paras[pi - 1]`, its last sentence from `ps`: "Тілшілер министрге сұрақ
/// қойды:", "Корреспондент спросил министра:"), the question in the dash
/// paragraph `pi` and, in the next one, an answer with no attribution. The
/// question is its asker's only when the line names them; the answer is the
/// one asked, the person the line names in an oblique case.
fn question_and_answer(
    paras: &[&str],
    pi: usize,
    ps: usize,
    people: &People,
    consumed: &mut [bool],
) -> Vec<Found> {
    let line = paras[pi - 1];
    let refs = people.ordered_in(pi - 1, ps, line.len(), None);
    let asker = people.named_subject_in(pi - 1, ps, line.len());
    let asked = refs
        .iter()
        .find(|(_, s, oblique)| *oblique && Some(s) != asker.as_ref())
        .map(|x| x.1.clone());
    let mut found = Vec::new();
    consumed[pi] = true;
    if let Some(asker) = asker {
        found.push(Found {
            text: clean(dash_body(paras[pi])),
            speaker: Some(asker),
            via: None,
            role: None,
            para: pi,
        });
    }
    let answer = pi + 1;
    if let Some(asked) = asked
        && answer < paras.len()
        && !consumed[answer]
        && paras[answer].trim_start().starts_with(dash)
    {
        let body = dash_body(paras[answer]);
        if !body.ends_with('?') && split_inner(body).is_none() && tokens(body).len() >= 3 {
            found.push(Found {
                text: clean(body),
                speaker: Some(asked),
                via: None,
                role: None,
                para: answer,
            });
            consumed[answer] = true;
        }
    }
    found
}

/// The last sentence of paragraph `pi`, as a clause (a colon line's: who
/// speaks or asks in the paragraph after it).
fn last_sentence(paras: &[&str], pi: usize) -> Clause {
    Clause {
        para: pi,
        start: sentence_starts(paras[pi]).last().copied().unwrap_or(0),
        end: paras[pi].len(),
    }
}

/// The text of a paragraph opened by a dash, after it.
fn dash_body(para: &str) -> &str {
    para.trim_start().trim_start_matches(dash).trim()
}

/// The text after the dash of a paragraph opened by one and a space («–
/// Починим башню»), `None` for any other paragraph.
fn dash_opened(para: &str) -> Option<&str> {
    let t = para.trim_start();
    let rest = t.trim_start_matches(dash);
    (t.starts_with(dash) && rest.starts_with(char::is_whitespace)).then(|| rest.trim())
}

/// An interview: paragraphs opened by a dash with no attribution, questions
/// and answers in turn: at least two questions (ending in «?») each
/// answered, or four turns or more with every other one a question
/// (ending in «?» or «…», the first may be a remark: «– Нурлан Аскарович,
/// два года …»). The answers are the interviewee's, the person the text
/// names first before the questions, and so are the paragraphs with no
/// dash that go on an answer in the first person («Мы вовлечены …»); the
/// questions are the interviewer's when a byline names one («Беседовала
/// …», «Сұхбаттасқан …»), and no one's quotes otherwise.
fn interview(paras: &[&str], people: &People, consumed: &mut [bool]) -> Vec<Found> {
    let bodies: Vec<Option<&str>> = (0..paras.len())
        .map(|pi| {
            dash_opened(paras[pi])
                .filter(|b| pi >= 1 && !consumed[pi] && split_inner(b).is_none())
                .filter(|b| !tokens(b).is_empty())
        })
        .collect();
    let asks = |b: &str| b.ends_with('?');
    let trails = |b: &str| asks(b) || b.ends_with('…') || b.ends_with("...");
    // the turns: runs of dash paragraphs, a first-person paragraph with no
    // marks between two of them (or after the last) going on the one before
    let first_person = |pi: usize| {
        !consumed[pi]
            && !paras[pi].trim_start().starts_with(dash)
            && !paras[pi].contains(QUOTE_MARKS)
            && in_first_person(paras[pi])
    };
    let mut runs: Vec<Vec<(usize, Vec<usize>)>> = Vec::new();
    let mut run: Vec<(usize, Vec<usize>)> = Vec::new();
    for (pi, body) in bodies.iter().enumerate().skip(1) {
        if body.is_some() {
            run.push((pi, Vec::new()));
        } else if let Some(last) = run.last_mut().filter(|_| first_person(pi)) {
            last.1.push(pi);
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    runs.push(run);
    let mut turns: Vec<(usize, Vec<usize>, bool)> = Vec::new();
    for run in runs {
        let body = |t: usize| bodies[run[t].0].unwrap_or("");
        let answered = (0..run.len().saturating_sub(1))
            .filter(|&t| asks(body(t)) && !asks(body(t + 1)))
            .count();
        // every other turn a question, the first or the second
        let parity = (0..2).find(|&p| {
            let fits = |t: usize| {
                if t % 2 == p {
                    trails(body(t))
                } else {
                    !asks(body(t))
                }
            };
            (0..run.len()).all(fits) && (0..run.len()).any(|t| t % 2 == p && asks(body(t)))
        });
        let questions: Vec<bool> = match parity {
            Some(p) if run.len() >= 4 => (0..run.len()).map(|t| t % 2 == p).collect(),
            _ if answered >= 2 => (0..run.len()).map(|t| asks(body(t))).collect(),
            _ => continue,
        };
        for (t, (pi, more)) in run.into_iter().enumerate() {
            turns.push((pi, more, questions[t]));
        }
    }
    let Some(first_q) = turns.first().map(|t| t.0) else {
        return Vec::new();
    };
    let interviewee = people
        .refs
        .iter()
        .filter(|r| r.para < first_q)
        .find_map(|r| match r.kind {
            super::people::RefKind::Person(i) => Some(i),
            super::people::RefKind::Role { person, .. } => person,
            _ => None,
        });
    let Some(interviewee) = interviewee else {
        return Vec::new();
    };
    let interviewer = (1..paras.len())
        .find(|&pi| tokens(paras[pi]).len() <= 6 && super::text::is_interview_byline(paras[pi]))
        .and_then(|pi| people.speaker_in(pi, 0, paras[pi].len()))
        .filter(|s| *s != Speaker::Person(interviewee));
    let mut found = Vec::new();
    for (pi, more, question) in turns {
        let speaker = if question {
            interviewer.clone()
        } else {
            Some(Speaker::Person(interviewee))
        };
        let texts = bodies[pi]
            .into_iter()
            .map(|b| (pi, b))
            .chain(more.iter().map(|&m| (m, paras[m].trim())));
        for (p, text) in texts {
            if let Some(speaker) = &speaker
                && !(question && more.contains(&p))
            {
                found.push(Found {
                    text: clean(text),
                    speaker: Some(speaker.clone()),
                    via: None,
                    role: None,
                    para: p,
                });
            }
            consumed[p] = true;
        }
    }
    found
}

/// A paragraph of speech opened by a dash with no attribution, in the first
/// or second person, after a paragraph of the reporter's about who speaks
/// («Проблему с дорогой жители района Алатау поднимали не раз.» / «—
/// Когда строили парк, наша улица осталась без асфальта…»): the group that
/// paragraph names, else the person it names as its subject.
fn unattributed_dash_speech(paras: &[&str], people: &People, consumed: &mut [bool]) -> Vec<Found> {
    let mut found = Vec::new();
    for pi in 2..paras.len() {
        let prev = paras[pi - 1].trim();
        let Some(body) = dash_opened(paras[pi]) else {
            continue;
        };
        if consumed[pi] || consumed[pi - 1] || prev.starts_with(dash) || prev.ends_with(':') {
            continue;
        }
        let words = tokens(body);
        // (a question is the interviewer's: «— Нурдаулет Игиликович, как
        // вы узнали …?»)
        if split_inner(body).is_some()
            || body.ends_with('?')
            || words.len() < 4
            || !only_names_in_marks(body)
            || !in_first_person(body)
        {
            continue;
        }
        // (the paragraph before names who speaks: a group, or a person as
        // its subject)
        let first_sentence = prev.split_inclusive(['.', '!', '?']).next().unwrap_or(prev);
        let speaker = one_of_group(first_sentence)
            .or_else(|| group_of_people(first_sentence))
            .map(Speaker::Other)
            .or_else(|| people.named_subject_in(pi - 1, 0, paras[pi - 1].len()));
        if speaker.is_some() {
            found.push(Found {
                text: clean(body),
                speaker,
                via: None,
                role: None,
                para: pi,
            });
            consumed[pi] = true;
        }
    }
    found
}

/// Finds every direct quote of the article. `paras[0]` is the title and is
/// not searched for quotes.
pub fn find_quotes(paras: &[&str], people: &mut People) -> Vec<Found> {
    let mut found: Vec<Found> = Vec::new();
    let all_spans: Vec<Vec<Span>> = paras.iter().map(|p| spans(p)).collect();
    let starts: Vec<Vec<usize>> = paras.iter().map(|p| sentence_starts(p)).collect();
    // references inside quotes are no antecedents
    for (pi, ss) in all_spans.iter().enumerate().skip(1) {
        for s in ss {
            if tokens(&paras[pi][s.inner_start..s.inner_end]).len() >= 3 {
                people.mark_quoted(pi, s.inner_start, s.inner_end);
            }
        }
    }
    // …and so are those in speech paragraphs opened by a dash, up to the
    // attribution
    for (pi, para) in paras.iter().enumerate().skip(1) {
        let t = para.trim_start();
        if t.starts_with(dash) && t.trim_start_matches(dash).starts_with(char::is_whitespace) {
            let body_start = para.len() - t.trim_start_matches(dash).trim_start().len();
            let end =
                split_inner(&para[body_start..]).map_or(para.len(), |(_, cs, _)| body_start + cs);
            people.mark_quoted(pi, body_start, end);
        }
    }
    // …and those in a caption's speech in its own paragraph
    for (pi, para) in paras.iter().enumerate().skip(1) {
        if let Some((_, body_start)) = inline_caption(para) {
            people.mark_quoted(pi, body_start, para.len());
        }
    }
    // …and those in speech with no opening mark, up to the attribution
    let unmarked: Vec<Vec<(String, usize, usize, usize)>> = paras
        .iter()
        .enumerate()
        .map(|(pi, p)| {
            if pi == 0 || caption_name(p).is_some() || inline_caption(p).is_some() {
                Vec::new()
            } else {
                unmarked_speeches(p, &|a, b| people.subject_in(pi, a, b))
            }
        })
        .collect();
    for (pi, u) in unmarked.iter().enumerate() {
        for (_, start, cs, _) in u {
            people.mark_quoted(pi, *start, *cs);
        }
    }
    let people = &*people;
    let mut consumed = vec![false; paras.len()];

    // captions and dash paragraphs
    for pi in 1..paras.len() {
        let para = paras[pi];
        if caption_name(para).is_some() && pi + 1 < paras.len() {
            let next = paras[pi + 1].trim();
            let speaker = people.speaker_in(pi, 0, para.len());
            let body =
                next.trim_start_matches(|c: char| dash(c) || c.is_whitespace() || is_open(c));
            let body = body.trim_end_matches(|c: char| {
                matches!(c, '»' | '”' | '“' | '"') || c.is_whitespace()
            });
            if tokens(body).len() >= 3 && caption_name(next).is_none() {
                found.push(Found {
                    text: clean(body),
                    speaker,
                    via: None,
                    role: None,
                    para: pi + 1,
                });
                consumed[pi + 1] = true;
            }
            continue;
        }
        if let Some((caption_end, body_start)) = inline_caption(para) {
            let body = para[body_start..].trim_end();
            if !consumed[pi] && tokens(body).len() >= 3 {
                found.push(Found {
                    text: clean(body),
                    speaker: people.speaker_in(pi, 0, caption_end),
                    via: None,
                    role: None,
                    para: pi,
                });
                consumed[pi] = true;
            }
            continue;
        }
        let t = para.trim_start();
        if !consumed[pi]
            && t.starts_with(dash)
            && t.trim_start_matches(dash).starts_with(char::is_whitespace)
        {
            let body_start = para.len() - t.trim_start_matches(dash).trim_start().len();
            let body = &para[body_start..];
            if let Some((joined, cs, ce)) = split_inner(body) {
                let (from, to) = (body_start + cs, body_start + ce);
                if asked_by_a_reporter(people, &joined, &para[from..to], "", (pi, from, to)) {
                    consumed[pi] = true;
                    continue;
                }
                let speaker = speaker_via(
                    people,
                    para,
                    Clause {
                        para: pi,
                        start: body_start + cs,
                        end: body_start + ce,
                    },
                )
                .0;
                if tokens(&joined).len() >= 2 {
                    let nested =
                        nested_quotes(people, para, pi, body_start, &all_spans[pi], &speaker);
                    found.push(Found {
                        text: clean(&joined),
                        speaker,
                        via: None,
                        role: None,
                        para: pi,
                    });
                    found.extend(nested);
                    consumed[pi] = true;
                }
            } else if pi >= 2 && paras[pi - 1].trim_end().ends_with(':') {
                let line = last_sentence(paras, pi - 1);
                if body.ends_with('?') && asks(&paras[pi - 1][line.start..]) {
                    found.extend(question_and_answer(
                        paras,
                        pi,
                        line.start,
                        people,
                        &mut consumed,
                    ));
                    continue;
                }
                let (speaker, via) = speaker_via(people, paras[pi - 1], line);
                if speaker.is_some() && tokens(body).len() >= 3 {
                    found.push(Found {
                        text: clean(body),
                        speaker,
                        via,
                        role: None,
                        para: pi,
                    });
                    consumed[pi] = true;
                }
            }
        }
    }

    found.extend(interview(paras, people, &mut consumed));
    found.extend(unattributed_dash_speech(paras, people, &mut consumed));

    // speech with no opening mark: "Работы много, – отметил аким. – Но успеем."
    for pi in 1..paras.len() {
        if consumed[pi] || (pi >= 1 && caption_name(paras[pi - 1]).is_some()) {
            continue;
        }
        let para = paras[pi];
        let marks = para.contains(QUOTE_MARKS);
        for (speech, _, cs, ce) in &unmarked[pi] {
            let speaker = speaker_via(
                people,
                para,
                Clause {
                    para: pi,
                    start: *cs,
                    end: *ce,
                },
            )
            .0;
            found.push(Found {
                text: clean(speech),
                speaker,
                via: None,
                role: None,
                para: pi,
            });
            // quote marks elsewhere in the paragraph are still to be read
            consumed[pi] = !marks;
        }
    }

    // quote marks
    let mut skip_next: Option<(usize, usize)> = None;
    for pi in 1..paras.len() {
        if consumed[pi] {
            continue;
        }
        let para = paras[pi];
        let ss = &all_spans[pi];
        for (si, span) in ss.iter().enumerate() {
            if skip_next == Some((pi, si)) {
                continue;
            }
            let inner = &para[span.inner_start..span.inner_end];
            let mut text = inner.to_string();
            let mut end_para = pi;
            let mut end = span.end;
            let mut closed = span.closed;
            // a quote running over paragraphs: each continuing paragraph
            // opens with the same mark, the last one closes it
            if !closed && para[..span.open].trim().is_empty() {
                let mut j = pi + 1;
                while j < paras.len() && j <= pi + 5 {
                    let nx = paras[j].trim_start();
                    let first = all_spans[j].first();
                    if nx.starts_with(span.mark)
                        && first.is_some_and(|f| paras[j][..f.open].trim().is_empty())
                    {
                        if let Some(f) = first {
                            text.push(' ');
                            text.push_str(&paras[j][f.inner_start..f.inner_end]);
                            consumed[j] = true;
                            if f.closed {
                                end_para = j;
                                end = f.end;
                                closed = true;
                                break;
                            }
                        }
                        j += 1;
                    } else {
                        // the quote closes in a later paragraph without
                        // opening it again, the ones between with no marks
                        // at all: «… \n … \n …», — сказал он.
                        let mut between = Vec::new();
                        while j < paras.len() && j <= pi + 5 {
                            let mark = paras[j]
                                .char_indices()
                                .find(|(_, c)| matches!(c, '«' | '»' | '“' | '”' | '„' | '"'));
                            let Some((pos, c)) = mark else {
                                between.push(j);
                                j += 1;
                                continue;
                            };
                            if closes(span.mark, c)
                                && (c != '"'
                                    || pos > 0 && !paras[j][..pos].ends_with(char::is_whitespace))
                                && pos < 2000
                            {
                                for &b in &between {
                                    text.push(' ');
                                    text.push_str(paras[b].trim());
                                    consumed[b] = true;
                                }
                                text.push(' ');
                                text.push_str(paras[j][..pos].trim());
                                end_para = j;
                                end = pos + c.len_utf8();
                                closed = true;
                            }
                            break;
                        }
                        break;
                    }
                }
            }
            let ep = paras[end_para];
            let words = tokens(&text).len();
            if words < 2 || named_question(&text, &para[..span.open], &ep[end..]) {
                continue;
            }
            // split inside the marks
            let mut speaker = None;
            let mut via = None;
            let mut attributed = false;
            let mut strong = false;
            // (offsets in `text` are offsets in `para` only while the text
            // is this paragraph's alone: an unclosed quote may have taken
            // in the next paragraphs without moving `end_para`)
            if let Some((joined, cs, ce)) =
                split_inner(&text).filter(|_| end_para == pi && text.len() == inner.len())
            {
                let c = Clause {
                    para: pi,
                    start: span.inner_start + cs,
                    end: span.inner_start + ce,
                };
                let sv = speaker_via(people, para, c);
                speaker = sv.0;
                via = sv.1;
                text = joined;
                attributed = true;
                strong = true;
            }
            // «A», «B», «C» — деді тұрғындар: quotes joined by commas share
            // the attribution after the last of them
            let mut attr_from = end;
            if end_para == pi && closed {
                for next in &ss[si + 1..] {
                    let between = para.get(attr_from..next.open);
                    if between.is_none_or(|b| b.trim() != ",") || !next.closed {
                        break;
                    }
                    attr_from = next.end;
                }
            }
            if !attributed && let Some((cs, ce, cont)) = clause_after(ep, attr_from, false) {
                // «…?» деп сұрады журналист: the reporter's question
                let (sent, before) = if end_para == pi {
                    let sent = sentence_before(&starts[pi], span.open);
                    (sent, &para[sent..span.open])
                } else {
                    (cs, "")
                };
                if asked_by_a_reporter(people, &text, &ep[cs..ce], before, (end_para, sent, ce)) {
                    continue;
                }
                let clause = Clause {
                    para: end_para,
                    start: cs,
                    end: ce,
                };
                // "Бұл жөнінде қала әкімінің баспасөз хатшысы:" / «…», – деп
                // жауап берді: a clause naming no one after a quote that
                // opens its paragraph, the line before ending in a colon
                // names the speaker
                let colon_line = (pi >= 2
                    && para[..span.open].trim().is_empty()
                    && paras[pi - 1].trim_end().ends_with(':')
                    && people.ordered_in(end_para, cs, ce, None).is_empty()
                    && !tokens(&ep[cs..ce]).iter().any(|t| t.is_capitalized()))
                .then(|| last_sentence(paras, pi - 1));
                let (s, v) = match colon_line {
                    Some(line) => speaker_via(people, paras[line.para], line),
                    // «…», — передает издание: the person the clause names,
                    // else the one spoken of before, never the outlet
                    None if relayed(&ep[cs..ce]) => match speaker_via(people, ep, clause) {
                        (Some(Speaker::Person(i)), v) => (Some(Speaker::Person(i)), v),
                        _ => (
                            people.antecedent(pi, span.open, None).map(Speaker::Person),
                            None,
                        ),
                    },
                    None => speaker_via(people, ep, clause),
                };
                attributed = true;
                strong = true;
                speaker = s;
                via = v;
                // «part one», — сказал X, — «part two»
                if let Some(p) = cont
                    && let Some((nsi, nspan)) = Some(ss.partition_point(|x| x.open < p))
                        .filter(|&i| ss.get(i).is_some_and(|x| x.open == p))
                        .map(|i| (i, &ss[i]))
                    && end_para == pi
                {
                    text.push(' ');
                    text.push_str(&para[nspan.inner_start..nspan.inner_end]);
                    skip_next = Some((pi, nsi));
                }
                if speaker.is_none() {
                    // "Тоқаев «…» деп мәлімдеді": the speaker stands before the quote
                    let sent =
                        sentence_before(&starts[pi], span.open).max(span.open.saturating_sub(400));
                    speaker = people.speaker_in(pi, sent, span.open);
                }
            }
            if !attributed && let Some((cs, ce)) = clause_next_sentence(ep, end) {
                let (s, v) = speaker_via(
                    people,
                    ep,
                    Clause {
                        para: end_para,
                        start: cs,
                        end: ce,
                    },
                );
                if s.is_some() {
                    attributed = true;
                    strong = true;
                    speaker = s;
                    via = v;
                }
            }
            let mut before_kind = None;
            if !attributed && let Some((c, kind)) = clause_before(paras, pi, span.open, &starts[pi])
            {
                let cp = paras[c.para];
                let clause = &cp[c.start..c.end];
                if asked_by_a_reporter(people, &text, clause, "", (c.para, c.start, c.end)) {
                    continue;
                }
                let (s, v) = if caption_name(cp).is_some() {
                    (people.speaker_in(c.para, 0, cp.len()), None)
                } else {
                    speaker_via(people, cp, c)
                };
                let clause_text = fold(&cp[c.start..c.end]);
                let verb = tokens(&clause_text).iter().any(|t| is_verb(t.text))
                    || caption_name(cp).is_some()
                    || Lexicon::shared()
                        .both(|l| &l.words_of)
                        .any(|w| clause_text.contains(w));
                let person_only = tokens(cp[c.start..c.end].trim_end_matches(':')).len() <= 8;
                if s.is_some()
                    && (verb || kind == Before::Colon && person_only || kind == Before::PoSlovam)
                {
                    attributed = true;
                    speaker = s;
                    via = v;
                    before_kind = Some(kind);
                }
            }
            // decide: speech or a name / scare quote
            let naming = naming_context(para, span);
            // a law's title: «О местном государственном управлении …»
            let law_title = {
                let t = text.trim_start();
                (t.starts_with("О ") || t.starts_with("Об ")) && !t.contains(['.', '!', '?'])
            };
            if law_title && (naming || !strong) {
                continue;
            }
            // a lower-case fragment in the middle of the reporter's sentence
            // ("Он назвал это «новой культурой», — отметил эксперт") is no
            // quote of the attribution after it; of three words or more it
            // is the subject's (`partial` below)
            let sent = sentence_before(&starts[pi], span.open);
            let lower_start = text
                .trim_start()
                .chars()
                .next()
                .is_some_and(char::is_lowercase);
            let embedded = {
                let before = para
                    [sent.max(floor_char(para, span.open.saturating_sub(300)))..span.open]
                    .trim_end();
                lower_start
                    && !before.ends_with([':', ','])
                    && !fold(before).ends_with("что")
                    && tokens(before).len() >= 2
            };
            // a lower-case fragment of someone's words inside the reporter's
            // sentence about their speech ("Эрдоган заявил, что он является
            // «самым опытным …»", "назвал это «личной удачей»"): theirs, the
            // one the sentence is about, not an outlet that relays it after
            let subject = ((embedded || !attributed)
                && !naming
                && words >= 3
                && end_para == pi
                && lower_start
                && tokens(&para[sent..span.open])
                    .iter()
                    .any(|t| is_verb(&fold(t.text))))
            .then(|| people.speaker_in(pi, sent, span.open))
            .flatten();
            let partial = subject.is_some();
            if partial {
                speaker = subject;
                via = None;
            }
            let accept = if partial {
                true
            } else if strong {
                !embedded
                    && (words >= 3 || words >= 2 && text.trim_end().ends_with(['!', '?', '.']))
            } else if let Some(kind) = before_kind {
                match kind {
                    Before::Colon | Before::PoSlovam => {
                        words >= 3 && !naming && !(title_like(&text) && words <= 4)
                    }
                    Before::That => words >= 4 && !naming && !title_like(&text),
                }
            } else {
                // no attribution: only long, sentence-like speech standing alone
                let own_sentence = para[..span.open].trim_end().is_empty()
                    || para[..span.open].trim_end().ends_with(['.', '!', '?', ':']);
                closed
                    && words >= 6
                    && own_sentence
                    && sentence_like(&text)
                    && !naming
                    && !title_like(&text)
            };
            if !accept {
                continue;
            }
            if speaker.is_none() && !attributed {
                speaker = people.antecedent(pi, span.open, None).map(Speaker::Person);
            }
            let parent_speaker = speaker.clone();
            found.push(Found {
                text: clean(&text),
                speaker,
                via,
                role: None,
                para: pi,
            });
            found.extend(nested_quotes(
                people,
                para,
                pi,
                span.inner_start,
                &span.children,
                &parent_speaker,
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each quote's text and speaker, borrowed.
    fn said(q: &[(String, Option<String>, Option<String>)]) -> Vec<(&str, Option<&str>)> {
        q.iter()
            .map(|(t, s, _)| (t.as_str(), s.as_deref()))
            .collect()
    }

    /// The Russian article has one quote, of `speaker`.
    fn assert_one_speaker(paras: &[&str], speaker: &str) {
        let q = speakers(paras, false);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some(speaker), "{q:?}");
    }

    fn run(paras: &[&str]) -> (Vec<Found>, People) {
        let mut people = People::find(paras, false);
        let f = find_quotes(paras, &mut people);
        (f, people)
    }

    #[test]
    fn after_attribution() {
        let paras = [
            "Заголовок",
            "Ерлан Кошанов провел встречу.",
            "«Предприятия должны платить налоги по месту своей деятельности», — подчеркнул Кошанов.",
        ];
        let (f, p) = run(&paras);
        assert_eq!(f.len(), 1);
        assert_eq!(
            p.name_of(
                f[0].speaker
                    .as_ref()
                    .unwrap_or(&Speaker::Other(String::new()))
            ),
            "Ерлан Кошанов"
        );
    }

    #[test]
    fn split_quote_is_one() {
        let paras = [
            "Заголовок",
            "Председатель комиссии Гульнара Сейткалиева отметила, что нарушений нет.",
            "«Мы получили всего две жалобы, — сказала Сейткалиева, — и обе были рассмотрены в тот же день».",
        ];
        let (f, p) = run(&paras);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            f[0].text,
            "Мы получили всего две жалобы, и обе были рассмотрены в тот же день"
        );
        assert_eq!(
            p.name_of(
                f[0].speaker
                    .as_ref()
                    .unwrap_or(&Speaker::Other(String::new()))
            ),
            "Гульнара Сейткалиева"
        );
    }

    #[test]
    fn names_in_marks_are_not_quotes() {
        let paras = [
            "Заголовок",
            "Он отметил значимость партийных проектов “Ауыл аманаты”, “Жер аманаты” и партии «Amanat», которые привели «новую волну» управленцев.",
        ];
        let (f, _) = run(&paras);
        assert!(f.is_empty(), "{f:?}");
    }

    #[test]
    fn dash_paragraph() {
        let paras = [
            "Заголовок",
            "– Раньше акима назначали. Теперь мы сами выбираем, – сказал пенсионер Турсынбек Оспанов.",
        ];
        let (f, p) = run(&paras);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(
            p.name_of(
                f[0].speaker
                    .as_ref()
                    .unwrap_or(&Speaker::Other(String::new()))
            ),
            "Турсынбек Оспанов"
        );
    }

    #[test]
    fn speech_without_an_opening_mark() {
        let paras = [
            "Заголовок",
            "Строители ведут работы на новой школе в селе.",
            "Работы много, – отметил аким района Болат Жумабеков. – Но к зиме успеем.",
        ];
        let got = speakers(&paras, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "Работы много, Но к зиме успеем.");
        assert_eq!(got[0].1.as_deref(), Some("Болат Жумабеков"));
        let kk = [
            "Тақырып",
            "Аудан әкімі Аян Бейсекин жаңа мектепті аралады.",
            "Мектеп қыркүйекте ашылады, – деді Аян Бейсекин.",
        ];
        let got = speakers(&kk, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "Мектеп қыркүйекте ашылады");
        assert_eq!(got[0].1.as_deref(), Some("Аян Бейсекин"));
        // the reporter's sentence, then the speech after a dash
        let after = [
            "Заголовок",
            "Жительница села Айгерим Садыкова получила место за три дня. – Я видела очередь в приложении, – рассказала она.",
        ];
        let got = speakers(&after, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "Я видела очередь в приложении");
        assert_eq!(got[0].1.as_deref(), Some("Айгерим Садыкова"));
        // mid-paragraph: the reporter's sentence names the speaker, the
        // speech starts after it (a dash inside the speech is no attribution)
        let mid = [
            "Заголовок",
            "В районе начался ремонт. Аким района Болат Жумабеков объехал участки. Работы много, – отметил он. – Но к зиме успеем.",
        ];
        let got = speakers(&mid, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "Работы много, Но к зиме успеем.");
        assert_eq!(got[0].1.as_deref(), Some("Болат Жумабеков"));
        // a sentence of the reporter's with no subject and no first person
        // between them is no speech either; one in the first person is
        let narr = [
            "Заголовок",
            "Аким Марат Ахметжанов проверил школу. Здание строили в 1972 году. Окна поменяем, – пояснил он. – Дети придут в теплые классы.",
            "Аким Марат Ахметжанов проверил школу. Нам здесь учиться еще долго. Окна поменяем, – сказала директор Анна Ким.",
        ];
        let got = speakers(&narr, false);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].0, "Окна поменяем, Дети придут в теплые классы.");
        assert_eq!(got[1].0, "Нам здесь учиться еще долго. Окна поменяем");
        let kk_after = [
            "Тақырып",
            "Ауылдың тұрғыны Асқар Жұмағалиев жолдың батпаққа айналатынын айтты. – Балаларды мектепке трактормен жеткізген кездер болды. Жол жөнделсе, ауылдан кетпейміз, – деді ол.",
        ];
        let got = speakers(&kk_after, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Асқар Жұмағалиев"));
        let mid_kk = [
            "Тақырып",
            "Жеңіске жеткен Бауыржан Есенов бұрын мектеп директоры болған. Басты мәселе – ауыз су, – деді Бауыржан Есенов. – Құбырды биыл тартамыз.",
        ];
        let got = speakers(&mid_kk, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "Басты мәселе – ауыз су, Құбырды биыл тартамыз.");
        assert_eq!(got[0].1.as_deref(), Some("Бауыржан Есенов"));
        // a dash in the reporter's own sentence is no speech
        let narrative = [
            "Заголовок",
            "Главная проблема села, – отсутствие дороги до трассы.",
        ];
        assert!(speakers(&narrative, false).is_empty());
    }

    #[test]
    fn an_association_speaks_and_its_head_is_a_person() {
        let body = [
            "Заголовок",
            "Ассоциация фермеров Бретани потребовала отсрочки. \"Кредиты за технику нам уже не выплатить\", — говорится в заявлении ассоциации.",
        ];
        let got = speakers(&body, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Ассоциация фермеров Бретани"));
        let head = [
            "Заголовок",
            "Глава ассоциации производителей кукурузы Айовы Грег Паркер заявил, что цены упали. – Мы храним урожай второй год, – сказал Паркер.",
        ];
        let got = speakers(&head, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Грег Паркер"));
        // the association after a role is whose role it is
        let role = [
            "Заголовок",
            "Глава ассоциации фермеров Бретани Арно Лефевр встретился с министром.",
            "«Мы ждем решения до весны», – сказал глава ассоциации.",
        ];
        let got = speakers(&role, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Арно Лефевр"));
    }

    #[test]
    fn the_head_of_a_country_is_whoever_holds_a_role_there() {
        let ru = [
            "Заголовок",
            "Президент Узбекистана Шавкат Мирзиёев встретился в Астане с Касым-Жомартом Токаевым.",
            "«Вода должна нас объединять, а не разделять», – сказал глава Узбекистана.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Шавкат Мирзиёев"));
        let kk = [
            "Тақырып",
            "Мемлекет басшысы Қасым-Жомарт Тоқаев Өзбекстан Президенті Шавкат Мирзиёевпен кездесті.",
            "«Су – екі халықтың ортақ байлығы», – деді Өзбекстан басшысы.",
        ];
        let got = speakers(&kk, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Шавкат Мирзиёев"));
    }

    #[test]
    fn the_speaker_is_the_chair_of_a_chamber_the_text_names() {
        // the article is about the minister; "спикер" is the chamber's chair
        let ru = [
            "Заголовок",
            "Министр энергетики Арман Сагинбаев представил депутатам план модернизации ТЭЦ. Сагинбаев пообещал закончить работы до зимы.",
            "Председатель Сената Мурат Жакупов сказал, что палата рассмотрит поправки за две недели.",
            "«Мы не будем затягивать с этим законом», – добавил спикер.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Мурат Жакупов"));
        let kk = [
            "Тақырып",
            "Энергетика министрі Арман Сағынбаев депутаттарға ЖЭО жаңғырту жоспарын ұсынды. Сағынбаев жұмысты қысқа дейін аяқтауға уәде берді.",
            "Мәжіліс Төрағасы Мұрат Жақыпов түзетулер екі аптада қаралатынын айтты.",
            "«Бұл заңды созбаймыз», – деді спикер.",
        ];
        let got = speakers(&kk, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Мұрат Жақыпов"));
        // a chair of something else is no speaker
        let other = [
            "Заголовок",
            "Министр энергетики Арман Сагинбаев представил план модернизации ТЭЦ. Сагинбаев пообещал закончить работы до зимы.",
            "Председатель правления компании Мурат Жакупов поддержал план.",
            "«Мы не будем затягивать», – сказал спикер.",
        ];
        let got = speakers(&other, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_ne!(got[0].1.as_deref(), Some("Мурат Жакупов"));
    }

    #[test]
    fn a_dash_before_a_capital_opens_speech_of_two_sentences() {
        let paras = [
            "Заголовок",
            "Фермер Ерлан Сапаров показал высохшее поле. – Люди спрашивают про канал третий год. Я прошу только отремонтировать его, – сказал он.",
        ];
        let got = speakers(&paras, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(
            got[0].0,
            "Люди спрашивают про канал третий год. Я прошу только отремонтировать его"
        );
        assert_eq!(got[0].1.as_deref(), Some("Ерлан Сапаров"));
    }

    #[test]
    fn a_body_named_with_an_enumeration_keeps_its_whole_name() {
        let paras = [
            "Заголовок",
            "Новые правила вступят в силу с марта, сообщает Министерство экологии, геологии и природных ресурсов.",
            "\"Штрафы за вырубку вырастут вдвое\", – сообщили в министерстве.",
        ];
        let got = speakers(&paras, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(
            got[0].1.as_deref(),
            Some("Министерство экологии, геологии и природных ресурсов")
        );
    }

    #[test]
    fn a_kazakh_administration_speaks_for_itself() {
        let paras = [
            "Тақырып",
            "«Жаңа емхана қаңтарда ашылады», деп хабарлады облыстық денсаулық сақтау басқармасы.",
            "Ашылуға облыс әкімінің орынбасары Ерлан Сейітов қатысты.",
        ];
        let got = speakers(&paras, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(
            got[0].1.as_deref(),
            Some("облыстық денсаулық сақтау басқармасы")
        );
    }

    #[test]
    fn a_kazakh_body_before_a_role_is_whose_role_it_is() {
        // "…, – деді департамент басшысы": the head of the department, named earlier,
        // speaks, not the department
        let paras = [
            "Тақырып",
            "Бұл туралы облыстық жер қатынастары департаменті хабарлады.",
            "Департамент басшысы Серік Досымов жаңа тәртіпті түсіндірді.",
            "\"Өтінішті енді үйден шықпай беруге болады\", – деді департамент басшысы.",
        ];
        let got = speakers(&paras, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Серік Досымов"));
    }

    #[test]
    fn a_kazakh_akim_is_found_by_the_place_of_his_title() {
        // "облыс әкімі" is the regional akim named first, not the district
        // akim named last; his surname ends in "-ды" like an accusative, and
        // a village shares his first name
        let paras = [
            "Тақырып",
            "Жамбыл облысының әкімі Дархан Бекжанды Талас ауданына барып, жаңа су құбырын көрді.",
            "Аудан әкімі Ерболат Сейітов жұмыс кестесін таныстырды. Облыс әкімі аудан басшысына мерзімді қысқартуды тапсырды.",
            "«Құбыр қыркүйекке дейін тартылуы керек», – деді облыс әкімі.",
        ];
        let got = speakers(&paras, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Дархан Бекжанды"));
    }

    #[test]
    fn a_kazakh_minister_named_before_a_body_is_a_person() {
        // "Үкімет" right after the name does not make the pair a body's name
        let paras = [
            "Тақырып",
            "Денсаулық сақтау министрі Айдар Сәрсенбай Үкімет отырысынан кейін тілшілерге жаңа емханалар туралы айтты.",
            "«Биыл аудандарда он екі емхана ашылады», – деді министр.",
            "«Дәрігерлерге баспана беріледі», – деді Айдар Сәрсенбай.",
        ];
        let got = speakers(&paras, true);
        assert_eq!(got.len(), 2, "{got:?}");
        for (_, speaker, _) in &got {
            assert_eq!(speaker.as_deref(), Some("Айдар Сәрсенбай"), "{got:?}");
        }
    }

    #[test]
    fn a_reporters_question_is_no_quote_and_the_answer_is_the_one_asked() {
        let kk = [
            "Тақырып",
            "Ауыл шаруашылығы министрі Ербол Тасжүреков Орталық коммуникациялар қызметінде брифинг өткізді.",
            "Тілшілер министрге егіс науқаны туралы тағы бір сұрақ қойды:",
            "– Жанармай бағасы көктемде өсе ме?",
            "– Шаруаларға арзан дизель жеткілікті мөлшерде бөлінеді, баға өзгермейді.",
            "«Тұқымға субсидия қашан төленеді?» деп сұрады журналист. «Наурыздың басында төленеді», – деді министр.",
        ];
        let got = speakers(&kk, true);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].0.starts_with("Шаруаларға"), "{got:?}");
        assert!(got[1].0.starts_with("Наурыздың"), "{got:?}");
        for (_, speaker, _) in &got {
            assert_eq!(speaker.as_deref(), Some("Ербол Тасжүреков"), "{got:?}");
        }
        // a question the text gives to someone named is theirs
        let ru = [
            "Т",
            "Аким области Серик Шапкенов встретился с жителями района.",
            "Депутат маслихата Айдос Бекенов задал вопрос акиму:",
            "– Когда в селе Косшы появится школа?",
            "– Школу откроем к сентябрю, подрядчик уже выбран.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Айдос Бекенов"), "{got:?}");
        assert_eq!(got[1].1.as_deref(), Some("Серик Шапкенов"), "{got:?}");
    }

    #[test]
    fn a_news_outlet_after_the_dash_relays_the_news_and_quotes_no_one() {
        let kk = [
            "Тақырып",
            "Ауданда жаңа мектеп салынады. Бұл туралы аудан әкімі Нұрлан Сейітов тұрғындармен кездесуде айтты, – деп хабарлайды Qala.kz порталы.",
            "Биыл үш ауылға су құбыры тартылады, – деп хабарлайды өңірлік ақпарат агенттігі.",
            "Мектеп қыркүйекте ашылады, – деді Нұрлан Сейітов.",
        ];
        let got = speakers(&kk, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].0, "Мектеп қыркүйекте ашылады", "{got:?}");
        let ru = [
            "Т",
            "В районе построят школу, об этом рассказал аким района, – сообщает Tengrinews.kz.",
        ];
        assert!(speakers(&ru, false).is_empty());
    }

    #[test]
    fn the_one_spoken_to_before_words_of_is_not_their_speaker() {
        // «министрге … айтқан сөзінде»: the minister is spoken to, not
        // the one whose words they are (that one stands in the genitive)
        let kk = [
            "Тақырып",
            "Мәжіліс депутаты Бақытжан Базарбек Өнеркәсіп министрі Қанат Шарлапаевты сынға алды.",
            "«Сіз депутаттардың сұрақтарына жауап беруге келдіңіз», – деді Б. Базарбек министрге қарата айтқан сөзінде.",
        ];
        let got = speakers(&kk, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Бақытжан Базарбек"), "{got:?}");
    }

    #[test]
    fn a_caption_with_a_name_and_a_title_gives_the_next_paragraph_to_them() {
        let kk = [
            "Тақырып",
            "Облыста 550 жер учаскесі мемлекетке қайтарылды.",
            "Нұрсұлтан Нұрымбетов, облыс прокуратурасының басқарма прокуроры:",
            "Тексеру барысында бір де бір мал табылмады. Жер заңнамасын бұзғаны үшін 28 лауазымды адам жауапқа тартылды.",
        ];
        let got = speakers(&kk, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Нұрсұлтан Нұрымбетов"), "{got:?}");
    }

    #[test]
    fn a_pronoun_in_the_middle_of_unmarked_speech_is_part_of_it() {
        // «Ол … беріледі» is "it", inside the speech; a pronoun sentence
        // opening the paragraph is the reporter's
        let kk = [
            "Тақырып",
            "Облыс әкімі Марат Ахметжанов брифингте газ туралы айтты.",
            "Ауылға газ берілді. Бұл бірінші кезең. Ол келесі жылы қалаға да беріледі. Бағасы тиімді, – деп жауап берді Марат Ахметжанов.",
            "Ол ауылдарды аралап шықты. Жұмыс көп, – деді әкім.",
        ];
        let got = speakers(&kk, true);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].0.starts_with("Ауылға газ берілді."), "{got:?}");
        assert_eq!(got[1].0, "Жұмыс көп", "{got:?}");
    }

    #[test]
    fn the_role_an_officeholder_owns_speaks_from_the_colon_line() {
        // "қала әкімінің баспасөз хатшысы": the akim in the genitive owns the
        // role; a bare «– деп жауап берді» leaves the colon line to name the
        // speaker
        let kk = [
            "Тақырып",
            "Қала әкімі Асылбек Шәменов тұрғындармен кездесу өткізді.",
            "Кездесуге неге бәрі кіре алмады? Бұл жөнінде қала әкімінің баспасөз хатшысы:",
            "«Залда орын аз болды, сондықтан келесі кездесу үлкен ғимаратта өтеді», – деп жауап берді.",
        ];
        let got = speakers(&kk, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(
            got[0].1.as_deref(),
            Some("қала әкімінің баспасөз хатшысы"),
            "{got:?}"
        );
    }

    #[test]
    fn one_of_a_group_speaks_as_the_text_calls_them() {
        let kk = [
            "Тақырып",
            "Кент әкімі Серікболсын Хасенов жылу туралы шағымдарды растады.",
            "– Балаларға мектепте жылу беріңіздер, – деп жазды тұрғындардың бірі ортақ чатта.",
        ];
        let got = speakers(&kk, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("тұрғындардың бірі"), "{got:?}");
        if !crate::text::morph::available() {
            eprintln!("skipped the Russian half: no dictionary");
            return;
        }
        let ru = [
            "Т",
            "Аким поселка Серик Хасенов подтвердил жалобы на холод.",
            "«В классах плюс двенадцать, дети сидят в куртках», – написал один из жителей в общем чате.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("один из жителей"), "{got:?}");
    }

    #[test]
    fn the_head_of_a_ministry_by_its_acronym_is_its_minister() {
        // "глава германского МИД" is the foreign minister named before, not
        // the president named after «, что»
        let ru = [
            "Т",
            "Об этом министр иностранных дел ФРГ Йоханн Вадефуль (Johann Wadephul) заявил в интервью.",
            "\"Я уверен в этом\", - сказал глава германского МИД, подчеркнув, что президент Дональд Трамп заинтересован в мире.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Йоханн Вадефуль"), "{got:?}");
        let mut people = People::find(&ru, false);
        find_quotes(&ru, &mut people);
        assert!(
            !people.names().iter().any(|n| n.contains("Wadephul")),
            "{:?}",
            people.names()
        );
    }

    #[test]
    fn a_group_of_people_speaks_as_one() {
        let kk = [
            "Тақырып",
            "Аудан әкімі Ерлан Сапаров ауылға келді.",
            "«Бізге таза су керек, құдықтағы су ішуге жарамайды», – дейді ауыл тұрғындары.",
            "«Су құбыры жазда салынады», – деді Ерлан Сапаров.",
            "«Үш жыл бойы уәде естиміз», – деп шағымданады атыраулықтар.",
            "«Көпір жоқ, мектепке өте алмадық», – дейді ауыл балалары.",
        ];
        let got = speakers(&kk, true);
        assert_eq!(got.len(), 4, "{got:?}");
        assert_eq!(got[3].1.as_deref(), Some("ауыл балалары"), "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("ауыл тұрғындары"), "{got:?}");
        assert_eq!(got[1].1.as_deref(), Some("Ерлан Сапаров"), "{got:?}");
        assert_eq!(got[2].1.as_deref(), Some("атыраулықтар"), "{got:?}");
        if !crate::text::morph::available() {
            eprintln!("skipped the Russian half: no dictionary");
            return;
        }
        let ru = [
            "Т",
            "Аким района Ерлан Сапаров приехал в село.",
            "«Нам нужна чистая вода», – рассказали жители села Коянды.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("жители села Коянды"), "{got:?}");
        // the place right after them, in the genitive
        let ru = [
            "Т",
            "Аким района Ерлан Сапаров приехал в село.",
            "«Дорогу нам так и не отремонтировали», – пожаловались жители Степного.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("жители Степного"), "{got:?}");
    }

    #[test]
    fn he_after_a_relayed_statement_is_the_one_relayed_not_the_relayer() {
        let ru = [
            "Т",
            "Страна не вступит в союз. На это указал премьер-министр Венгрии Виктор Орбан, передает госсекретарь Золтан Ковач в соцсети.",
            "«Мы не хотим войны», — заявил он.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Виктор Орбан"), "{got:?}");
    }

    #[test]
    fn an_opening_mark_after_the_last_word_closes_the_quote() {
        let kk = [
            "Тақырып",
            "«Ауыл әкімдерін сайлау жұмысын біртіндеп жүзеге асырдық«,– деді Президент өз сөзінде.",
        ];
        let got = speakers(&kk, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(
            got[0].0, "Ауыл әкімдерін сайлау жұмысын біртіндеп жүзеге асырдық",
            "{got:?}"
        );
    }

    #[test]
    fn a_title_of_the_same_office_finds_its_holder() {
        let kk = [
            "Тақырып",
            "Премьер-министрдің орынбасары Ерлан Сағымбаев су тасқыны жөнінде кеңес өткізді.",
            "«Бөгеттерді көктемге дейін нығайтамыз», – деді Вице-премьер.",
        ];
        let got = speakers(&kk, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Ерлан Сағымбаев"), "{got:?}");
        // the Russian title chain: the deputy, not the prime minister
        let ru = [
            "Т",
            "Заместитель премьер-министра Ерлан Сагымбаев провел совещание по паводкам.",
            "«Дамбы укрепим до весны», — сказал вице-премьер.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Ерлан Сагымбаев"), "{got:?}");
    }

    #[test]
    fn an_unnamed_resident_speaks_as_the_text_calls_her() {
        let paras = [
            "Т",
            "Жители села Акбулак пожаловались на дорогу.",
            "\"Весной к нам не доезжает даже скорая\", - сказала жительница села Акбулак.",
        ];
        let got = speakers(&paras, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("жительница села Акбулак"));
    }

    #[test]
    fn a_caption_speaks_in_the_next_paragraph_or_after_its_colon() {
        // a surname with no Russian suffix after a dictionary first name;
        // places after the title
        let ru = [
            "Т",
            "Сельчане пришли на отчёт акима со своими вопросами.",
            "Тамара Зиберт, библиотекарь сельского клуба, с.Ольгинка, Тайыншинский район:",
            "— Клуб топят одним котлом, в зале холодно. Мы просим новый котёл.",
            "Ерлан Досанов, аким района:",
            "— Котёл купим в январе, деньги заложены.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Тамара Зиберт"), "{got:?}");
        assert_eq!(got[1].1.as_deref(), Some("Ерлан Досанов"), "{got:?}");
        // the caption and its speech in one paragraph
        let ru = [
            "Т",
            "В село провели газ, подключено двести домов.",
            "Болатбек Сейткалиев, житель села Жанакурылыс: – Мы очень благодарны! Теперь не надо запасать уголь на зиму.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].0.starts_with("Мы очень благодарны"), "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Болатбек Сейткалиев"), "{got:?}");
    }

    #[test]
    fn a_noun_opening_the_colon_line_speaks_not_the_one_spoken_of_before() {
        let ru = [
            "Т",
            "На встрече акима области с жителями говорили о воде и газе.",
            "Житель села Береговое напомнил, что трубы так и не дошли до домов:",
            "«Зима на носу, а мы воду всё ещё возим в бидонах».",
            "По словам акима области Серика Жанабаева, деньги выделят:",
            "«Средства будут в следующем году, работу завершим до осени».",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(
            got[0].1.as_deref(),
            Some("Житель села Береговое"),
            "{got:?}"
        );
        assert_eq!(got[1].1.as_deref(), Some("Серик Жанабаев"), "{got:?}");
    }

    #[test]
    fn quotes_joined_by_commas_share_the_attribution_after_them() {
        let kk = [
            "Т",
            "Тілшілер қала тұрғындарынан жаңа әкімді танитынын сұрады.",
            "«Атын да естіген емеспін», «Ол бізге ешқашан келген жоқ, көрмедім», «Шынымды айтсам, білмеймін» – деді тұрғындар.",
        ];
        let got = speakers(&kk, true);
        assert_eq!(got.len(), 3, "{got:?}");
        assert!(
            got.iter().all(|q| q.1.as_deref() == Some("тұрғындар")),
            "{got:?}"
        );
        let ru = [
            "Т",
            "Мы спросили жителей, знают ли они нового акима.",
            "«Даже фамилии не слышал», «Его у нас никто не видел, он к нам не приезжал», — рассказали жители села Степное.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got.iter()
                .all(|q| q.1.as_deref() == Some("жители села Степное")),
            "{got:?}"
        );
    }

    #[test]
    fn a_question_the_text_names_as_one_is_no_quote() {
        let ru = [
            "Т",
            "Аким села Жанна Омарова отвечает в чате даже ночью.",
            "На вопрос «Когда же вы отдыхаете?» она смеётся: «Летом, в отпуске. Если трубы не прорвёт».",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].0.starts_with("Летом"), "{got:?}");
        let kk = [
            "Т",
            "Сенат төрағасы Дәурен Сейітов кулуарда журналистердің сұрақтарына жауап берді.",
            "Ал «Сенатта мұндай жағдай болуы мүмкін бе?» деген сауалға Сейітов күліп: «Әзірге болған емес, болмайды да деп ойлаймын», – деді.",
        ];
        let got = speakers(&kk, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].0.starts_with("Әзірге"), "{got:?}");
    }

    #[test]
    fn a_role_in_a_capacity_is_no_reporters_subject() {
        // «спикері ретінде … білдіруім»: the speaker's own first sentence
        let kk = [
            "Т",
            "Журналистер Сенат спикері Дәурен Сейітовтен бұл жайт туралы сұрады.",
            "Сенат спикері ретінде басқа палатаның ісіне араласуым дұрыс емес. Сондықтан бұл жөнінде ештеңе айтпаймын, – деді Сенат төрағасы.",
        ];
        let got = speakers(&kk, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(got[0].0.starts_with("Сенат спикері ретінде"), "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Дәурен Сейітов"), "{got:?}");
    }

    #[test]
    fn a_paragraph_holds_several_speeches_with_no_opening_mark() {
        // a caption in quote marks before them, and a reporter's sentence
        // between them
        let ru = [
            "Т",
            "Фото из архива \"Вестника\" Газ получат девять сёл района. – Это только магистраль, по улицам пойдём следующим летом, – отметил аким области Серик Жанабаев. Он добавил, что деньги выделены из бюджета. – До конца года ещё выделим, если подрядчик успеет, – заверил аким. Кроме того, два села получат воду.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(got[0].0.starts_with("Это только магистраль"), "{got:?}");
        assert!(got[1].0.starts_with("До конца года"), "{got:?}");
        assert!(
            got.iter().all(|q| q.1.as_deref() == Some("Серик Жанабаев")),
            "{got:?}"
        );
    }

    #[test]
    fn a_one_letter_given_name_closes_the_speakers_name() {
        // the quote is Wang Yi's, not the next paragraph's Xi Jinping's
        let ru = [
            "Т",
            "Министр иностранных дел КНР провел переговоры в Астане.",
            "«Мы поддерживаем суверенитет и территориальную целостность соседей», – подчеркнул Ван И.",
            "Председатель КНР Си Цзиньпин посетит Казахстан летом.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Ван И"), "{got:?}");
    }

    #[test]
    fn a_first_name_and_patronymic_are_the_one_named_in_full() {
        let ru = [
            "Т",
            "Аким сельского округа Ирина Шишкина провела сход в клубе.",
            "– Нас наконец услышали, – заметила Ирина Сергеевна. – Дорогу начнут весной.",
            "– Газ будет к зиме, – добавила она.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 2, "{got:?}");
        assert!(
            got.iter().all(|q| q.1.as_deref() == Some("Ирина Шишкина")),
            "{got:?}"
        );
        // in an oblique case, and with no one named in full: the name as given
        let ru = [
            "Т",
            "Слово дали Гульнаре Женисовне, она руководит округом шестой год.",
            "«Котельную мы перевели на газ ещё летом», – сказала она.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Гульнара Женисовна"), "{got:?}");
    }

    #[test]
    fn a_secretary_of_state_is_a_role_of_the_one_named() {
        let ru = [
            "Т",
            "Государственный секретарь заявил о переговорах. Госсекретарь США Марк Рубин прибыл в Женеву.",
            "«Мы работаем над тем, чтобы сорвать эту сделку», — уточнил американский госсекретарь.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Марк Рубин"), "{got:?}");
    }

    #[test]
    fn a_two_letter_first_name_is_part_of_the_name() {
        let ru = [
            "Т",
            "Председатель КНР Си Цзиньпин прибыл в Астану с государственным визитом.",
            "\"Наши страны связывает добрососедство\", - заявил Си Цзиньпин.",
        ];
        let got = speakers(&ru, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Си Цзиньпин"));
        let kk = [
            "Т",
            "ҚХР Төрағасы Си Цзиньпин Астанаға келді.",
            "«Біздің елдерді достық байланыстырады», – деді Си Цзиньпин.",
        ];
        let got = speakers(&kk, true);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Си Цзиньпин"));
    }

    #[test]
    fn the_one_spoken_to_is_not_the_speaker() {
        let paras = [
            "Т",
            "Аким района Нурлан Абенов ответил на вопросы жителей.",
            "\"Запишите сроки в протокол\", - обратился к Абенову местный фермер Серик Жаксылыков.",
        ];
        let got = speakers(&paras, false);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].1.as_deref(), Some("Серик Жаксылыков"));
    }

    #[test]
    fn unbalanced_marks_do_not_panic() {
        let paras = [
            "Т",
            "«««« “ „ \" » ” “ \"",
            "»»» текст «без конца и края и даже без точки",
        ];
        let _ = run(&paras);
    }

    fn speakers(paras: &[&str], kazakh: bool) -> Vec<(String, Option<String>, Option<String>)> {
        let mut people = People::find(paras, kazakh);
        let f = find_quotes(paras, &mut people);
        f.iter()
            .map(|q| {
                (
                    q.text.clone(),
                    q.speaker.as_ref().map(|s| people.name_of(s)),
                    q.via.as_ref().map(|s| people.name_of(s)),
                )
            })
            .collect()
    }

    #[test]
    fn colon_line_before_quote_paragraph_relays() {
        let paras = [
            "Т",
            "Председатель Мажилиса Ерлан Кошанов провел встречу.",
            "Спикер напомнил слова Президента, сказанные в Послании:",
            "„Мы должны построить компактный и эффективный парламент“.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("Касым-Жомарт Токаев"));
        assert_eq!(q[0].2.as_deref(), Some("Ерлан Кошанов"));
    }

    #[test]
    fn tv_caption_speech() {
        let paras = [
            "Т",
            "АСЕЛЬ НУРЛАНОВА, аким села Акжар:",
            "Раньше фермеры ждали воду неделями. Люди возвращаются в село.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("Асель Нурланова"));
    }

    #[test]
    fn nested_quote_has_its_own_speaker() {
        let paras = [
            "Т",
            "Депутат Асель Жанкелдинова выступила на встрече.",
            "„Глава государства прямо сказал: «Сильный Президент – влиятельный парламент – подотчетное правительство». Эту формулу мы и должны воплотить“, — сказала Жанкелдинова.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("Асель Жанкелдинова"));
        assert_eq!(q[1].1.as_deref(), Some("Касым-Жомарт Токаев"));
        assert_eq!(q[1].2.as_deref(), Some("Асель Жанкелдинова"));
    }

    #[test]
    fn pronoun_follows_gender() {
        let paras = [
            "Т",
            "Министр Акмарал Альназарова встретилась с фельдшером Бахытжаном Ералиевым.",
            "\"Мы не можем говорить о качестве медицины в селе, пока там нет врача\", - заявила она.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("Акмарал Альназарова"));
    }

    #[test]
    fn a_foreign_name_in_an_oblique_case_is_no_subject() {
        // "Владимира Зеленского" is the object; "Соединенных Штатов" (a
        // participle and a common noun) is no person at all
        let paras = [
            "Т",
            "Президент Франции Эммануэль Макрон выступил в Париже.",
            "При этом Макрон опроверг слова президента Украины Владимира Зеленского о предательстве со стороны Соединенных Штатов. «Я все отрицаю», — сказал он.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("Эммануэль Макрон"), "{q:?}");
        let names = People::find(&paras, false).names();
        assert!(!names.iter().any(|n| n.contains("Штат")), "{names:?}");
    }

    #[test]
    fn the_one_spoken_to_is_not_the_one_who_speaks() {
        // a nominative role after the addressee speaks; the same office by
        // another title («глава региона» / «аким области», «глава
        // Минздрава» / «министр здравоохранения»); a woman's undeclined
        // first name makes «-ову» her accusative
        let articles: [(&[&str], &str); 6] = [
            (
                &[
                    "Т",
                    "Председатель Агентства по противодействию коррупции Асхат Жумагали провел брифинг.",
                    "«За год задержаны 40 акимов сел», — сообщил глава Антикора.",
                ],
                "Асхат Жумагали",
            ),
            (
                &[
                    "Т",
                    "Премьер-министр Олжас Бектенов провел заседание правительства.",
                    "«Нужно ускорить строительство школ», — поручил глава кабмина.",
                ],
                "Олжас Бектенов",
            ),
            (
                &[
                    "Т",
                    "Аким Астаны Женис Касымбек провел совещание.",
                    "«Все дороги должны быть готовы к зиме», — поручил глава столицы.",
                ],
                "Женис Касымбек",
            ),
            (
                &[
                    "Т",
                    "Аким Павлодарской области Канат Бозумбаев сделал замечание акиму Павлодара Оразгельды Каиргельдинову.",
                    "«Первое замечание делаю», - сказал, обращаясь к акиму Павлодара О.Каиргельдинову, глава региона.",
                ],
                "Канат Бозумбаев",
            ),
            (
                &[
                    "Т",
                    "На брифинге глава региона Ермек Кошербаев ответил журналистам.",
                    "— Счет идет на дни, — сказал аким области.",
                ],
                "Ермек Кошербаев",
            ),
            (
                &[
                    "Т",
                    "Министра здравоохранения Акмарал Альназарову спросили о проблемах отрасли.",
                    "\"Проблем в отрасли достаточно\", - ответила глава Минздрава.",
                ],
                "Акмарал Альназарова",
            ),
        ];
        for (paras, speaker) in articles {
            assert_one_speaker(paras, speaker);
        }
    }

    #[test]
    fn a_quote_runs_over_paragraphs_with_no_marks_between() {
        let paras = [
            "Т",
            "Астана әкімі Жеңіс Қасымбек жаңа мектептер туралы жазды.",
            "«Жыл соңына дейін тағы 9 мектеп ашамыз. Олардың сегізі «Жайлы мектеп» жобасы аясында салынған.",
            "Есіл ауданында 4 мектеп орналасады.",
            "Біз алдағы жылдарға да дайындалып отырмыз», - деп жазды елорда әкімі.",
        ];
        let q = speakers(&paras, true);
        assert_eq!(q.len(), 1, "{q:?}");
        assert!(
            q[0].0.starts_with("Жыл соңына") && q[0].0.ends_with("отырмыз"),
            "{q:?}"
        );
        assert_eq!(q[0].1.as_deref(), Some("Жеңіс Қасымбек"), "{q:?}");
    }

    #[test]
    fn names_in_marks_inside_dash_speech_keep_it_speech() {
        // «қаржы жоқ» is a phrase inside the words; the body speaks by the
        // full name given before («әкімдігі» and «әкімдік» are one)
        let paras = [
            "Т",
            "Осыған байланысты Абай облысының әкімдігі мәлімдеме жасады.",
            "Біздің ауылда ешқашан асфальт болған емес. Ылғи «қаржы жоқ» деп қайтарады. Жолдағы шұңқырлар уақытша бітелді, - деп хабарлаған болатын әкімдік.",
        ];
        let q = speakers(&paras, true);
        assert_eq!(q.len(), 1, "{q:?}");
        assert!(q[0].0.contains("қаржы жоқ"), "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("Абай облысының әкімдігі"), "{q:?}");
    }

    #[test]
    fn a_name_in_marks_inside_a_title_keeps_the_title() {
        let paras = [
            "Т",
            "\"Этот сквер теперь благоустроен\", – рассказал аким района \"Байконур\" Ерлан Каналимов.",
            "По его словам, работы продолжатся осенью.",
            "\"Осенью мы посадим больше деревьев\", – пояснил аким района \"Байконур\".",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 2, "{q:?}");
        assert!(
            q.iter().all(|x| x.1.as_deref() == Some("Ерлан Каналимов")),
            "{q:?}"
        );
    }

    #[test]
    fn a_fragment_of_words_inside_reported_speech_is_the_subject_s_quote() {
        // three words or more, lower case, in a sentence about the
        // subject's speech; an outlet relaying it after is not the speaker
        let paras = [
            "Т",
            "Президент Турции Реджеп Тайип Эрдоган заявил, что он является «самым опытным из нынешних руководителей», пишет газета Karar.",
            "Министр назвал это «зеркальных мер» в ответ.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].0, "самым опытным из нынешних руководителей");
        assert_eq!(q[0].1.as_deref(), Some("Реджеп Тайип Эрдоган"), "{q:?}");
    }

    #[test]
    fn an_undeclined_surname_after_a_preposition_is_no_subject() {
        let paras = [
            "Т",
            "Встреча президента США Дональда Трампа с мэром Нью-Йорка Зохраном Мамдани прошла дружелюбно.",
            "В ходе беседы президент подчеркивал, что их точки зрения с Мамдани частично совпадают.",
            "«Мы согласны по куда большему числу вопросов, чем я ожидал», — сказал он.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("Дональд Трамп"), "{q:?}");
        let names = People::find(&paras, false).names();
        assert!(names.contains(&"Зохран Мамдани".to_string()), "{names:?}");
        // a nominative in -ем stays whole
        let paras = [
            "Т",
            "Аким района Рустем Уали провел прием граждан.",
            "«Дорогу отремонтируем к осени», — сказал Рустем Уали.",
        ];
        assert_eq!(People::find(&paras, false).names(), ["Рустем Уали"]);
    }

    #[test]
    fn dash_speech_told_to_a_reporter_and_with_no_attribution_is_speech() {
        // an outlet spoken to does not make it the reporter's text; a dash
        // paragraph in the first person after the group's paragraph is theirs
        let paras = [
            "Т",
            "На жителей поселка Кенкияк подают в суд. - Воду дают утром и вечером. Мы не пьем эту воду, - рассказывали жители поселка Кенкияк корреспонденту портала.",
            "Проблему с дорогой жители района Алатау поднимали не раз.",
            "— Когда строили парк, наша улица осталась без асфальта. Прошу, чтобы здесь проложили асфальт.",
        ];
        let q = speakers(&paras, false);
        let mut got: Vec<Option<&str>> = q.iter().map(|x| x.1.as_deref()).collect();
        got.sort();
        assert_eq!(
            got,
            [Some("жители поселка Кенкияк"), Some("жители района Алатау")],
            "{q:?}"
        );
    }

    #[test]
    fn a_leader_by_his_country_s_adjective_is_the_one_named_there() {
        let paras = [
            "Т",
            "Президент Польши Кароль Навроцкий заявил о поддержке фермеров.",
            "«Я не подпишу этот закон», — подчеркнул польский лидер.",
        ];
        assert_one_speaker(&paras, "Кароль Навроцкий");
    }

    #[test]
    fn offices_abroad_by_another_title_are_the_ones_named() {
        let articles: [(&[&str], &str); 3] = [
            (
                &[
                    "Т",
                    "Госсекретарь США Марко Рубио прибыл в Брюссель.",
                    "«Мы ожидаем от союзников большего вклада», — сказал глава Госдепа.",
                ],
                "Марко Рубио",
            ),
            (
                &[
                    "Т",
                    "Пресс-секретарь президента России Дмитрий Песков ответил журналистам.",
                    "«Никаких решений пока нет», — сказал представитель Кремля.",
                ],
                "Дмитрий Песков",
            ),
            (
                &[
                    "Т",
                    "Премьер-министр Японии Санаэ Такаити провела переговоры в Токио.",
                    "Глава японского правительства добавила: «Бюджет на оборону будет увеличен».",
                ],
                "Санаэ Такаити",
            ),
        ];
        for (paras, speaker) in articles {
            assert_one_speaker(paras, speaker);
        }
    }

    #[test]
    fn by_her_words_in_marks_is_her_quote() {
        // «По ее словам, «…»»: the woman spoken of before, not the man
        // named nearer
        let paras = [
            "Т",
            "Министр труда Светлана Жакупова рассказала о новых выплатах, а вице-министр Ерлан Ахметов дополнил ее.",
            "По ее словам, «пособие получат еще 50 тысяч семей».",
        ];
        assert_one_speaker(&paras, "Светлана Жакупова");
    }

    #[test]
    fn the_head_of_a_body_named_generically_is_the_one_spoken_of() {
        let paras = [
            "Т",
            "Председатель Нацбанка Тимур Сулейменов выступил на брифинге.",
            "«Инфляция замедлится к концу года», — сообщил глава регулятора.",
        ];
        assert_one_speaker(&paras, "Тимур Сулейменов");
    }

    #[test]
    fn an_outlet_relaying_words_is_not_their_speaker() {
        let paras = [
            "Т",
            "На выборах мэра Нью-Йорка победил Зохран Мамдани. Об этом сообщает Associated Press (AP).",
            "«Я буду мэром для каждого жителя Нью-Йорка», — передает издание.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("Зохран Мамдани"), "{q:?}");
        let names = People::find(&paras, false).names();
        assert_eq!(names, ["Зохран Мамдани"], "{names:?}");
    }

    #[test]
    fn a_body_speaks_by_its_own_name_not_one_quoted() {
        // «сообщили в облакимате»; a body named inside the quote is not the
        // one that speaks, and a body's name stops at a pronoun
        let paras = [
            "Т",
            "Совещание провела пресс-служба акима Мангистауской области.",
            "«Вывоз отходов беспокоит жителей», — сообщили в облакимате.",
            "Чиновника задержали, передает агентство со ссылкой на Агентство по противодействию коррупции.",
            "\"Однако сотрудниками Антикоррупционной службы он все же был задержан\", - рассказали в ведомстве.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("облакимат"), "{q:?}");
        assert!(
            q[1].1
                .as_deref()
                .is_some_and(|s| s.starts_with("Агентство")),
            "{q:?}"
        );
    }

    #[test]
    fn a_woman_named_only_in_the_attribution_keeps_her_endings() {
        let paras = [
            "Т",
            "Жители района говорят, что кандидаты впервые ходили по домам. «Раньше акима нам только представляли», – сказала жительница поселка Аккистау Лаура Исмагулова.",
            "«Танцы идут в школьном коридоре», – рассказала руководитель кружка Галина Ершова.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 2, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("Лаура Исмагулова"), "{q:?}");
        assert_eq!(q[1].1.as_deref(), Some("Галина Ершова"), "{q:?}");
    }

    #[test]
    fn a_pronoun_right_after_the_verb_is_the_speaker() {
        // the people after it are spoken to or of, in any case
        let paras = [
            "Т",
            "Министр Айдарбек Сапаров выступил перед фермерами. «Деньги придут весной», — отметил он, обратившись к акиму области Кумару Аксакалову.",
            "«Заявки примем с февраля», — сказал Аксакалов, добавив, что руководитель управления Ерлан Жакупов проверит каждую.",
            "Аудан әкімі Нұрлан Сәрсенов тұрғындармен кездесті. «Мердігер сәуірде кіріседі», – деді ол облыс әкімі Нұрлыбек Нәлібаевқа алғыс айтып.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 3, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("Айдарбек Сапаров"), "{q:?}");
        assert_eq!(q[1].1.as_deref(), Some("Кумар Аксакалов"), "{q:?}");
        assert_eq!(q[2].1.as_deref(), Some("Нұрлан Сәрсенов"), "{q:?}");
    }

    #[test]
    fn a_pronoun_after_an_unnamed_subject() {
        // the noun is named in the next sentence; with no name, the noun
        // phrase speaks; a generic noun in reported speech is no subject
        let paras = [
            "Т",
            "Руководитель управления Бауыржан Садыков назвал сроки. Слово после него взяла медсестра пункта.",
            "— Мы принимаем людей в бывшей бане, — сказала она. Айгуль Серикова работает в селе с 2010 года.",
            "Вице-министр Ербол Ташжуреков рассказал о грантах. По его словам, каждый фермер подаст заявку онлайн. «Мы убрали двенадцать бумаг», — подчеркнул он.",
            "Слово взял житель села Косшы. — Гранты дают богатым, — сказал он. Аким района Ерлан Нургалиев пообещал помочь.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 3, "{q:?}");
        let of = |start: &str| {
            q.iter()
                .find(|x| x.0.starts_with(start))
                .and_then(|x| x.1.clone())
        };
        assert_eq!(
            of("Мы принимаем").as_deref(),
            Some("Айгуль Серикова"),
            "{q:?}"
        );
        assert_eq!(
            of("Мы убрали").as_deref(),
            Some("Ербол Ташжуреков"),
            "{q:?}"
        );
        assert_eq!(of("Гранты").as_deref(), Some("житель села Косшы"), "{q:?}");
    }

    #[test]
    fn a_role_in_the_plural_is_not_the_antecedent() {
        // "перед министрами" names no one: "он" is the subject, Ахметов
        let paras = [
            "Т",
            "Премьер-министр Ерлан Ахметов провел совещание в правительстве.",
            "Ахметов выступил перед министрами и акимами областей. Он напомнил, что сроки не меняются. «Мы закончим трассу к осени», — подчеркнул он.",
            "Министр транспорта Марат Карабаев уточнил, что подрядчики уже на месте.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("Ерлан Ахметов"), "{q:?}");
    }

    #[test]
    fn the_akim_of_the_district_is_not_the_akim_of_the_village() {
        let paras = [
            "Т",
            "Аким Каражарского сельского округа Серик Омаров представил смету жителям.",
            "\"Сход решает, а не кабинет\", – подчеркнул аким района.",
            "Аким Жанааркинского района Бауыржан Сагынтаев добавил, что маслихат утвердит решения схода.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("Бауыржан Сагынтаев"), "{q:?}");
    }

    #[test]
    fn body_speaks() {
        let paras = [
            "Т",
            "\"Все населенные пункты будут обеспечены медицинскими пунктами\", - говорится в сообщении пресс-службы акимата Кызылординской области.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(
            q[0].1.as_deref(),
            Some("пресс-служба акимата Кызылординской области")
        );
    }

    #[test]
    fn an_impersonal_verb_in_a_named_body_is_that_body() {
        if !crate::text::morph::available() {
            eprintln!("skipped: no dictionary");
            return;
        }
        let paras = [
            "Т",
            "Глава правительства Ирина Вольская поручила ускорить выплаты фермерам.",
            "\"Заявки рассматриваются в порядке очереди\", – ответили в Национальном банке.",
            "В Счетной палате пояснили: «Проверка закончится в марте».",
            "\"Дороги откроют к полудню\", – сообщили в Астане.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 3, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("Национальный банк"));
        assert_eq!(q[1].1.as_deref(), Some("Счетная палата"));
        // a place is no body: the city speaks for no one
        assert_ne!(q[2].1.as_deref(), Some("Астана"));
    }

    #[test]
    fn an_interview_gives_answers_to_the_one_interviewed_and_questions_to_the_byline() {
        let paras = [
            "Т",
            "Весной село Талдыбулак выбрало нового акима. Им стала учительница Гульнара Есенова.",
            "– Что вы сделаете в первую очередь?",
            "– Починим водонапорную башню, без нее летом селу не выжить.",
            "– Хватит ли денег?",
            "– Часть даст район, остальное соберем на сходе.",
            "Беседовал Арман Тлеуов",
        ];
        let q = speakers(&paras, false);
        let got = said(&q);
        assert_eq!(
            got,
            [
                ("Что вы сделаете в первую очередь?", Some("Арман Тлеуов")),
                (
                    "Починим водонапорную башню, без нее летом селу не выжить.",
                    Some("Гульнара Есенова")
                ),
                ("Хватит ли денег?", Some("Арман Тлеуов")),
                (
                    "Часть даст район, остальное соберем на сходе.",
                    Some("Гульнара Есенова")
                ),
            ]
        );
        // with no byline the questions are no one's quotes
        let q = speakers(&paras[..6], false);
        assert_eq!(q.len(), 2, "{q:?}");
        assert!(
            q.iter()
                .all(|(_, s, _)| s.as_deref() == Some("Гульнара Есенова")),
            "{q:?}"
        );
    }

    #[test]
    fn an_interview_opened_by_a_remark_goes_on_in_paragraphs_with_no_dash() {
        let paras = [
            "Т",
            "В интервью глава Мангистауской области Нурлан Ногаев вспоминает январские события.",
            "– Нурлан Аскарович, скоро два года, как вы аким области...",
            "– Бұйырса.",
            "– Через три месяца после назначения произошли январские события. Как прошли эти дни?",
            "– Работал весь акимат, все госслужащие. Это было испытание на прочность.",
            "Мы вовлечены во все процессы, происходящие в области.",
        ];
        let q = speakers(&paras, false);
        let got = said(&q);
        assert_eq!(
            got,
            [
                ("Бұйырса.", Some("Нурлан Ногаев")),
                (
                    "Работал весь акимат, все госслужащие. Это было испытание на прочность.",
                    Some("Нурлан Ногаев")
                ),
                (
                    "Мы вовлечены во все процессы, происходящие в области.",
                    Some("Нурлан Ногаев")
                ),
            ],
            "{q:?}"
        );
    }

    #[test]
    fn one_question_and_answer_is_no_interview() {
        let paras = [
            "Т",
            "Аким района Нурлан Бекетов встретился с жителями.",
            "– Когда дадут воду?",
            "– Летом, все трубы уже закуплены.",
        ];
        assert!(speakers(&paras, false).is_empty());
    }

    #[test]
    fn kazakh_according_to() {
        let paras = [
            "Т",
            "Астана қаласының әкімі Женіс Қасымбек есеп берді.",
            "Қасымбектің сөзінше, \"мектеп 2026 жылдың қыркүйегінде ашылады, құрылыс кестеден қалып отырған жоқ\".",
        ];
        let q = speakers(&paras, true);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("Женіс Қасымбек"));
    }

    #[test]
    fn kazakh_project_name_before_verb_is_not_a_quote() {
        let paras = [
            "Т",
            "Мемлекет басшысы сондай-ақ «Ауыл – Ел бесігі» жобасын жалғастыруды тапсырды.",
        ];
        assert!(speakers(&paras, true).is_empty());
    }

    #[test]
    fn law_title_is_not_a_quote() {
        let paras = [
            "Т",
            "Сенат принял поправки в Закон «О местном государственном управлении и самоуправлении в Республике Казахстан», передает корреспондент.",
        ];
        assert!(speakers(&paras, false).is_empty());
    }

    #[test]
    fn quote_closing_in_the_next_paragraph() {
        let paras = [
            "Т",
            "Аким района Ербол Ахметов выступил перед жителями.",
            "«Мы построим новую школу и детский сад до конца года.",
            "Деньги уже выделены, подрядчик определен», — сказал аким.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 1, "{q:?}");
        assert!(
            q[0].0.starts_with("Мы построим") && q[0].0.ends_with("подрядчик определен"),
            "{q:?}"
        );
        assert_eq!(q[0].1.as_deref(), Some("Ербол Ахметов"));
    }

    #[test]
    fn attribution_in_the_next_sentence() {
        let paras = [
            "Т",
            "Министр финансов Мади Такиев прокомментировал решение.",
            "«Бюджеты сел вырастут в среднем на 18 процентов». Так прокомментировал решение министр.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("Мади Такиев"));
    }

    #[test]
    fn citation_fragment_is_not_a_quote() {
        let paras = [
            "Т",
            "Он назвал это «новой политической культурой сельских акимов», — отметил эксперт.",
        ];
        assert!(speakers(&paras, false).is_empty());
    }

    #[test]
    fn impersonal_attribution_is_the_body_named_before() {
        let paras = [
            "Т",
            "В Минздраве сообщили, что в этом году построено 250 объектов.",
            "Министр Акмарал Альназарова посетила регион.",
            "«К 2027 году все населенные пункты будут обеспечены медпунктами», — говорится в сообщении.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("Минздрав"));
    }

    #[test]
    fn a_name_given_only_in_the_attribution() {
        let paras = [
            "Т",
            "«Вода пришла вовремя, к поливу», — говорит пенсионерка Айгерим.",
        ];
        let q = speakers(&paras, false);
        assert_eq!(q.len(), 1, "{q:?}");
        assert_eq!(q[0].1.as_deref(), Some("Айгерим"));
    }

    #[test]
    fn a_law_title_alone_is_not_a_quote() {
        let paras = [
            "Т",
            "Депутаты обсудили документ.",
            "«О внесении изменений и дополнений в некоторые законодательные акты по вопросам местного самоуправления».",
        ];
        assert!(speakers(&paras, false).is_empty());
    }
}
