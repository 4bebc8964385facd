//! What class names, ids, roles and tags say about an element: article-like
//! (positive weight) or page chrome (negative weight, or junk outright).
//! The words are those CMSs use across languages, plus the Russian/Kazakh
//! news-site ones (read-also, popular, views counters, «lenta»).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::dom::Tag;

/// Chrome for sure when met on a class or id (unless the same name also says
/// it is the article itself).
static UNLIKELY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(^|[\s_-])(ad|ads|adv|advert|advertisement|banner|breadcrumbs?|combx|comments?|comment-list|commentlist|community|cookies?|consent|gdpr|disqus|footer|header|masthead|menu|navbar|nav|navigation|pagination|pager|popup|modal|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|socials|sponsor|sponsored|supplemental|subscribe|subscription|newsletter|share|sharing|sharebar|share-buttons|toolbar|tags|tag-list|taglist|widget|widgets|promo|outbrain|taboola|recommend|recommended|recommendations|popular|most-read|mostread|trending|read-also|readalso|read_also|see-also|also|more-news|other-news|similar|last-news|latest-news|news-feed|lenta|counter|views|views-count|rating|author-box|login|signin|search|print|partners?|reklama)($|[\s_-])|",
        r"comment|disqus|sidebar|share|social|related|popular|subscribe|newsletter|cookie|footer|breadcrumb|banner|advert|readalso|read-also|mostread|most-read|recommend|outbrain|taboola|navbar|caption|credit|byline|rollover|",
        // Russian and Kazakh names in transliteration.
        r"chitai|chitay|takzhe|populyar|pohozh|poxozh|drugie-nov|samoe|chitaem|kommentar|reklam|podpis|sotsset|socset|tanymal|uqsas|ukhsas"
    ))
    .expect("unlikely regex")
});

/// A box of readers' comments, by one class or id token ("comments",
/// "comment-list", "comments-area", "article__comments", "kommentarii"):
/// comments can hold more prose than the article, so neither its size nor
/// a relaxed pass brings them back.
static COMMENTS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:[a-z0-9]+[-_])*comments?(?:[-_](?:list|area|wrap|wrapper|block|section|thread|tree|items?|container|holder|widget))?|commentlist|disqus_thread|kommentari[ij]?|kommentarii|pikirler)$")
        .expect("comments regex")
});

/// Names that say "this is the article"; they save an element from UNLIKELY.
static MAYBE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)article|body|content|entry|hentry|main|post|story|text|material|news-detail|full|column|embed|tweet")
        .expect("maybe regex")
});

static POSITIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)article|body|content|entry|hentry|h-entry|main|page|post|text|blog|story|material|detail|lead|media-embed|tweet|telegram|instagram")
        .expect("positive regex")
});

static NEGATIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)hidden|banner|combx|comment|com-|contact|footer|masthead|media|meta|outbrain|promo|related|scroll|share|shoutbox|sidebar|skyscraper|sponsor|shopping|tags|widget|popular|also|counter|views|social|subscribe|author|byline|caption|credit|nav|menu|teaser")
        .expect("negative regex")
});

/// Chrome by its tag or ARIA role.
pub(crate) const JUNK_TAG: u8 = 1;
/// Chrome by its class or id.
pub(crate) const JUNK_HINT: u8 = 2;
/// Readers' comments by their class or id: out in every pass, whatever
/// their size.
pub(crate) const JUNK_COMMENTS: u8 = 4;

/// Class and id strings repeat through a page and across a site's pages;
/// each is judged once per thread (the cache is emptied when it grows large).
#[derive(Default)]
struct HintCache {
    names: HashMap<Box<str>, (i32, bool, bool)>,
}

impl HintCache {
    /// Weight of one class or id string, whether it names chrome, and
    /// whether it names a box of comments.
    fn name(&mut self, name: &str) -> (i32, bool, bool) {
        if let Some(v) = self.names.get(name) {
            return *v;
        }
        let mut weight = 0;
        if POSITIVE.is_match(name) {
            weight += 25;
        }
        if NEGATIVE.is_match(name) {
            weight -= 25;
        }
        // Judged token by token; a BEM element ("article__related") is
        // what its element part says, not its block.
        let mut chrome = false;
        let mut article = false;
        let mut comments = false;
        for token in name.split_ascii_whitespace() {
            let (bem, rest) = token
                .rsplit_once("__")
                .map_or((false, token), |(_, e)| (true, e));
            // ("no-comments", "has-comments": a post's state, not a box)
            comments |= COMMENTS.is_match(rest)
                && !["no-", "no_", "has-", "has_", "with-", "allow-", "open-"]
                    .iter()
                    .any(|p| rest.starts_with(p));
            let mut parts = rest.split("--");
            let element = parts.next().unwrap_or(rest);
            // A box's own header or footer is judged with the box.
            let element_chrome = !(bem
                && (element.starts_with("header") || element.starts_with("footer")))
                && UNLIKELY.is_match(element)
                && !MAYBE.is_match(element);
            // Modifiers say what kind of box it is: "rail--trending".
            let modifier_chrome = parts.any(|m| UNLIKELY.is_match(m) && !MAYBE.is_match(m));
            if element_chrome || modifier_chrome {
                chrome = true;
            } else if MAYBE.is_match(element) {
                article = true;
            }
        }
        let unlikely = chrome && !article;
        self.names.insert(name.into(), (weight, unlikely, comments));
        (weight, unlikely, comments)
    }
}

thread_local! {
    static CACHE: RefCell<HintCache> = RefCell::new(HintCache::default());
}

const CACHE_LIMIT: usize = 50_000;

/// Weight of one class or id string, whether it names chrome and whether
/// it names comments.
fn name_hints(name: &str) -> (i32, bool, bool) {
    CACHE.with(|cache| match cache.try_borrow_mut() {
        Ok(mut cache) => {
            if cache.names.len() > CACHE_LIMIT {
                cache.names.clear();
            }
            cache.name(name)
        }
        Err(_) => HintCache::default().name(name),
    })
}

/// Weight of an element's class/id and why it is chrome (`JUNK_*` bits).
pub(crate) fn judge(tag: Tag, el: &scraper::node::Element) -> (i32, u8) {
    let class = el.attr("class").unwrap_or("");
    let id = el.attr("id").unwrap_or("");
    let itemprop = el.attr("itemprop").unwrap_or("");
    if itemprop.eq_ignore_ascii_case("articleBody") || itemprop.eq_ignore_ascii_case("text") {
        return (60, 0);
    }
    let role = el.attr("role").unwrap_or("");
    let role_junk = matches!(
        role,
        "navigation"
            | "menu"
            | "menubar"
            | "complementary"
            | "contentinfo"
            | "banner"
            | "dialog"
            | "alert"
            | "alertdialog"
            | "search"
    );
    let tag_junk = matches!(
        tag,
        Tag::Nav | Tag::Aside | Tag::Footer | Tag::Header | Tag::Figcaption
    );
    let mut weight = 0;
    let mut hint_junk = false;
    let mut comments = false;
    for name in [class, id] {
        if name.is_empty() {
            continue;
        }
        let (w, unlikely, c) = name_hints(name);
        weight += w;
        hint_junk |= unlikely;
        comments |= c;
    }
    let protected = matches!(tag, Tag::Html | Tag::Body | Tag::Article | Tag::Main);
    if protected {
        return (weight, 0);
    }
    let mut junk = 0;
    if role_junk || tag_junk {
        junk |= JUNK_TAG;
    }
    if hint_junk {
        junk |= JUNK_HINT;
    }
    if comments {
        junk |= JUNK_COMMENTS;
    }
    (weight, junk)
}
