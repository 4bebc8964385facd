//! Stemming for full-text search (TODO).
