//! A local news site (and later a fake Telegram Bot API) on 127.0.0.1, used
//! by `demo` and by the tests.
