//! A local news site (and later a fake Telegram Bot API) on 127.0.0.1, used
//! by `demo` and by the tests, so there is one of each to keep right.

pub mod news_site;
pub mod telegram;

pub use news_site::{NewsSite, Route};
pub use telegram::{FakeChat, FakeTelegram, FakeUser, SentMessage};
