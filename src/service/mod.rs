//! Wiring: the pieces a running bot is made of, built from one [`Config`].
//! The CLI, `run` and `demo` all build them here, so they stay alike.

use std::sync::{Arc, RwLock};

use crate::config::Config;
use crate::i18n::Texts;
use crate::store::Store;
use crate::summarize::{ArticleInput, Knowledge, summarize};
use poller::{ArticleDraft, PollError, Poller, Summarizer};

#[cfg(feature = "demo")]
pub mod demo;
mod metrics;
pub(crate) mod poller;
pub mod run;

/// The topic taxonomy and gazetteer: `data/` when it is there (edited
/// without a rebuild), else the built-in copy; plus the keywords
/// moderators added in the database.
pub fn load_knowledge(config: &Config, store: &Store) -> Knowledge {
    let mut kb = match Knowledge::load(&config.data_dir) {
        Ok(kb) => kb,
        Err(e) => {
            log::warn!("{e}; using the built-in topics and regions");
            Knowledge::embedded()
        }
    };
    match store.topic_keywords() {
        Ok(rows) => {
            for (topic, lang, stem) in rows {
                let lang = crate::text::Lang::from_code(&lang).unwrap_or_default();
                if let Err(e) = kb.add_topic_keywords(&topic, lang, &[stem]) {
                    log::warn!("summarize: moderator keyword for {topic}: {e}");
                }
            }
        }
        Err(e) => log::warn!("summarize: cannot read moderator keywords: {e}"),
    }
    kb
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Sources(#[from] crate::ingest::sources::SourcesError),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
}

/// The first time a database is used, the shipped `data/sources.toml` is
/// added (once: an operator may remove them all later).
pub fn seed_sources(config: &Config, store: &Store) -> Result<usize, SeedError> {
    const SEEDED: &str = "sources_seeded";
    if store.kv_get(SEEDED)?.is_some() {
        return Ok(0);
    }
    let added = if store.list_sources()?.is_empty() {
        let text = crate::data::read_text(&config.data_dir, "sources.toml")?;
        let list = crate::ingest::sources::parse_sources_toml(&text, "sources.toml")?;
        let added = store.add_missing_sources(&list, chrono::Utc::now().timestamp())?;
        log::info!("sources: added {added} sources from sources.toml");
        added
    } else {
        0
    };
    store.kv_set(SEEDED, "1")?;
    Ok(added)
}

/// The bot's texts: `data/i18n/` when it is there, else the built-in copy.
pub fn load_texts(config: &Config) -> Texts {
    Texts::load(&config.data_dir).unwrap_or_else(|e| {
        log::warn!("{e}; using the built-in texts");
        Texts::embedded()
    })
}

/// The summarizer the poller runs on each new article.
pub fn summarizer(kb: Arc<RwLock<Knowledge>>) -> Box<Summarizer> {
    Box::new(move |draft: &ArticleDraft| {
        let kb = kb.read().unwrap_or_else(|e| e.into_inner());
        let input = ArticleInput {
            url: Some(draft.url.as_str()),
            title: &draft.title,
            text: &draft.text,
            published_at: draft.published_at,
        };
        Some(summarize(&input, &kb))
    })
}

/// A poller that summarizes what it stores. It makes `store` the
/// database's only writer ([`Store::claim_writer`]): a second process
/// polling the same database is refused.
pub fn poller(
    store: Arc<Store>,
    config: &Config,
    kb: Arc<RwLock<Knowledge>>,
) -> Result<Poller, PollError> {
    store.claim_writer()?;
    Ok(Poller::new(store, config)?.with_summarizer(summarizer(kb)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::sources::{parse_opml, parse_sources_toml, to_opml};
    use crate::model::{NewSource, SourceKind};

    #[test]
    fn opml_export_then_import_keeps_every_source_whole() {
        let shipped =
            parse_sources_toml(include_str!("../../data/sources.toml"), "sources.toml").unwrap();
        let mut tricky = shipped[0].clone();
        tricky.name = "Аймақ & «Жаңалық» <news>".into();
        tricky.kind = SourceKind::Listing;
        tricky.url = "https://aimaq.example.kz/news?page=1&lang=kk".into();
        tricky.link_selector = Some("div.news > a[href*=\"/kk/\"]".into());
        tricky.official = true;
        tricky.region = Some("turkistan".into());
        let store = Store::open_in_memory().unwrap();
        let all: Vec<NewSource> = shipped.iter().cloned().chain([tricky]).collect();
        store.add_missing_sources(&all, 0).unwrap();
        assert!(all.iter().any(|s| s.kind == SourceKind::Listing));
        assert!(all.iter().any(|s| s.official) && all.iter().any(|s| s.region.is_some()));

        let back = parse_opml(&to_opml(&store.list_sources().unwrap())).unwrap();
        assert_eq!(back, all);
    }
}
