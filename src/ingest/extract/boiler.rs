//! Text-level boilerplate: lines that are chrome whatever markup holds them
//! (views counters, «Читайте также» lead-ins, share and subscribe prompts),
//! and headings after which a page has only related/popular lists.

use std::sync::LazyLock;

use regex::Regex;

use super::content::Line;
use super::dom::Tag;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineVerdict {
    Keep,
    Drop,
    /// A heading that opens related/popular/comments: its box goes, or,
    /// in the article's own flow, everything after it.
    Stop,
    /// A «Читайте также» heading on its own: its box goes, the article stays.
    Box,
}

static COUNTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:просмотр\w*|просм\.|прочитан\w*|views?|reads?|қаралды|қаралым\w*|көрілім\w*|көрілді|оқылды|комментари\w*|пікір\w*|comments?)\s*:?\s*[\d\s.,kкKМM]*$")
        .expect("counter regex")
});

static READ_ALSO: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:читайте\s+также|читать\s+также|смотрите\s+также|читайте\s+ещё|читайте\s+еще|читайте\s+по\s+теме|по\s+теме\s*:|также\s+читайте|читайте\s+нас|оқи\s+отырыңыз|оқыңыз|тағы\s+(?:да\s+)?оқыңыз|сондай-ақ\s+оқыңыз|қараңыз|read\s+also|also\s+read|read\s+more|see\s+also|related\s*:)")
        .expect("read-also regex")
});

static STOP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:другие\s+новости|новости\s+по\s+теме|похожие\s+(?:новости|материалы|статьи|публикации)|самые\s+читаемые|самое\s+читаемое|самое\s+популярное|популярные\s+(?:новости|материалы)|последние\s+новости|главные\s+новости|лента\s+новостей|новости\s+партн[её]ров|(?:ещё|еще)\s+по\s+теме|материалы\s+по\s+теме|выбор\s+редакции|лучшее\s+за\s+(?:неделю|месяц)|главное\s+за\s+(?:день|неделю)|новости\s+компаний|вам\s+может\s+быть\s+интересно|басқа\s+жаңалықтар|редактор\s+таңдауы|жаңалықтар\s+легі|добавить\s+(?:комментарий|отзыв)|оставить\s+(?:комментарий|отзыв)|(?:самые|самое)\s+(?:читаемые|популярные|обсуждаемые|просматриваемые|читаемое|обсуждаемое)|пікір\s+қалдыру|тақырып\s+бойынша|тақырыпқа\s+қатысты|ұқсас\s+(?:жаңалықтар|мақалалар)|көп\s+оқылған|соңғы\s+жаңалықтар|related\s+(?:articles|stories|news|posts|content)|more\s+(?:stories|news)\s+from|most\s+(?:popular|read|viewed)|you\s+(?:may|might)\s+also\s+like|popular\s+this\s+week|tell\s+us\s+what\s+you\s+think|leave\s+a\s+(?:comment|reply)|post\s+(?:a\s+)?comment|recommended\s+for\s+you)")
        .expect("stop regex")
});

/// One-word headings that open chrome only when they are the whole line
/// («Комментарии (3)», not «Комментарии экспертов»).
static STOP_WORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:популярное|рекомендуем|комментарии|танымал|пікірлер|comments|trending)\s*[:.!…]?\s*(?:\(\d+\)|\d+)?$")
        .expect("stop word regex")
});

static PROMPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:подписывайтесь|подпишитесь|присоединяйтесь\s+к\s+(?:нам|нашему)|следите\s+за\s+(?:нами|новостями)|(?:наш|нашем|нашего)\s+(?:telegram|телеграм|whatsapp|instagram|канал|канале|youtube)|telegram-канал|телеграм-канал|жазылыңыз|арнамызға|^поделиться|share\s+(?:this|on)|follow\s+us\s+on|(?:sign\s+up|subscribe)(?-u:\b).{0,80}(?-u:\b)(?:newsletters?|channel)(?-u:\b)|^©|©\s*(?:19|20)\d{2}|(?:19|20)\d{2}\s*©|нашли\s+ошибку|если\s+вы\s+нашли\s+ошибку|все\s+права\s+защищены|барлық\s+құқықтар|all\s+rights\s+reserved|мы\s+используем\s+(?:файлы\s+)?cookie|we\s+use\s+cookies|^(?:теги|тэги|tags|тегтер)\s*:|^(?:реклама|жарнама|advert|advertisement|share|tags|sharing\s+is\s+caring!?|this\s+slideshow\s+requires\s+javascript\.?|don'?t\s+miss|print|email|поделиться|печать|бөлісу)$)")
        .expect("prompt regex")
});

static UPDATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:updated|published|posted|last\s+updated|first\s+published|обновлено|опубликовано|дата\s+публикации|жарияланды|жаңартылды)(?:[^\p{L}]|$)")
        .expect("updated regex")
});

static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?:By|by|BY)\s+\p{Lu}|^(?:Автор|Авторы|Автор\s+фото|Фото|Текст|Авторы|Author)\s*:",
    )
    .expect("byline regex")
});

fn verdict(line: &Line) -> LineVerdict {
    let t = line.text.trim();
    let chars = line.chars;
    if chars == 0 {
        return LineVerdict::Drop;
    }
    if chars <= 40 && COUNTER.is_match(t) {
        return LineVerdict::Drop;
    }
    let is_heading = line.block.is_some_and(Tag::is_heading);
    if chars <= 60
        && (STOP.is_match(t) || STOP_WORD.is_match(t))
        && (is_heading || !t.ends_with('.'))
    {
        return LineVerdict::Stop;
    }
    if READ_ALSO.is_match(t) && chars <= 30 && line.link_chars == 0 {
        return LineVerdict::Box;
    }
    if READ_ALSO.is_match(t) && (chars <= 200 || line.link_chars * 2 >= chars) {
        return LineVerdict::Drop;
    }
    if chars <= 200 && t.len() <= 600 && PROMPT.is_match(t) {
        return LineVerdict::Drop;
    }
    if chars <= 80 && BYLINE.is_match(t) && !t.ends_with('.') {
        return LineVerdict::Drop;
    }
    // A paragraph that is one link: a teaser of another article.
    if line.link_chars * 10 >= chars * 9 && chars < 160 && !t.starts_with("http") {
        return LineVerdict::Drop;
    }
    // A bare date or time line (the byline's), or a lone counter number.
    if chars <= 12 && line.block != Some(Tag::Tr) && !t.chars().any(char::is_alphabetic) {
        return LineVerdict::Drop;
    }
    if chars <= 80 && UPDATED.is_match(t) && !t.ends_with('.') {
        return LineVerdict::Drop;
    }
    if chars <= 40 && crate::text::dates::find_date(t).is_some() {
        let letters = t.chars().filter(|c| c.is_alphabetic()).count();
        if letters <= 24 {
            return LineVerdict::Drop;
        }
    }
    let in_text_block = matches!(
        line.block,
        Some(Tag::P | Tag::Li | Tag::Td | Tag::Blockquote)
    );
    if !in_text_block && line.link_chars * 10 >= chars * 9 && chars < 80 {
        return LineVerdict::Drop;
    }
    LineVerdict::Keep
}

/// Joins the kept lines with `\n`. A related/popular heading removes the
/// box around it (`widget`); when it stands in the article's own flow,
/// nothing after it is kept (once some article text has been).
pub(crate) fn assemble(
    lines: &[Line],
    widget: impl Fn(usize, usize) -> Option<usize>,
    within: impl Fn(usize, usize) -> bool,
) -> String {
    let mut out = String::new();
    let mut kept = 0usize;
    let mut skip: Option<usize> = None;
    for line in lines {
        if let Some(w) = skip {
            if within(w, line.node) {
                continue;
            }
            skip = None;
        }
        match verdict(line) {
            LineVerdict::Keep => {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&line.text);
                kept += line.chars;
            }
            LineVerdict::Drop => {}
            LineVerdict::Stop => match widget(line.node, line.root) {
                Some(w) => skip = Some(w),
                None if kept >= 200 => break,
                None => {}
            },
            LineVerdict::Box => skip = widget(line.node, line.root),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str, link_chars: usize, block: Tag) -> Line {
        Line {
            text: text.to_string(),
            chars: text.chars().filter(|c| !c.is_whitespace()).count(),
            link_chars,
            block: Some(block),
            ..Line::default()
        }
    }

    fn v(text: &str) -> LineVerdict {
        verdict(&line(text, 0, Tag::P))
    }

    #[test]
    fn counters_and_prompts_go() {
        for t in [
            "Просмотров:85",
            "Просмотров: 1 234",
            "Қаралым: 2 418",
            "Views 12K",
            "Подписывайтесь на наш Telegram-канал",
            "Нашли ошибку? Выделите ее и нажмите Ctrl+Enter",
            "Теги: школы, акимы",
            "Поделиться",
            "Telegram арнамызға жазылыңыз",
            "Фото: пресс-служба акимата",
            "Обновлено: 29.11.2025 13:11",
            "29 ноября 2025, 13:11",
            "85",
        ] {
            assert_eq!(v(t), LineVerdict::Drop, "{t}");
        }
    }

    #[test]
    fn article_sentences_stay() {
        for t in [
            "Аким решил поделиться опытом с коллегами из соседних районов.",
            "По теме доклада выступили депутаты маслихата и представители акимата.",
            "Популярное у жителей место отдыха отремонтируют к лету.",
            "Комментарии к законопроекту направили в Мажилис до конца месяца.",
            "Комментарии экспертов",
            "Популярное у туристов место",
            "В 2025 году в области построят 12 школ.",
            "By 2030, every village will have broadband, the ministry said.",
        ] {
            assert_eq!(v(t), LineVerdict::Keep, "{t}");
        }
    }

    #[test]
    fn related_headings_stop_and_read_also_boxes() {
        for t in [
            "Другие новости на эту тему:",
            "Самые читаемые",
            "Популярное",
            "Тақырып бойынша",
            "Көп оқылған",
            "Related articles",
        ] {
            assert_eq!(verdict(&line(t, 0, Tag::H2)), LineVerdict::Stop, "{t}");
        }
        assert_eq!(v("Читайте также"), LineVerdict::Box);
        assert_eq!(v("Оқи отырыңыз:"), LineVerdict::Box);
        let inline = "Читайте также: Выборы акимов районов: что известно о реформе";
        assert_eq!(verdict(&line(inline, 40, Tag::P)), LineVerdict::Drop);
    }

    #[test]
    fn link_teasers_go_and_plain_links_in_text_stay() {
        let t = "Курс тенге на 12 сентября: доллар подешевел";
        assert_eq!(
            verdict(&line(t, t.chars().count(), Tag::P)),
            LineVerdict::Drop
        );
        let t = "Об этом сообщает Kazinform со ссылкой на пресс-службу министерства финансов.";
        assert_eq!(verdict(&line(t, 8, Tag::P)), LineVerdict::Keep);
    }
}
