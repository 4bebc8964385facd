//! One update's context: who sent it, from which chat, in which language
//! and role, with the replies a handler sends through it. Shared by the
//! gate (which builds it) and the handlers (citizen, moderation), so
//! neither side reaches into the other.

use teloxide::prelude::Requester;
use teloxide::types::{ChatId, InlineKeyboardMarkup, Message, UserId};

use super::{BotDeps, BotError, BotT, HandlerResult, now};
use crate::store::{ChatKind, Role, Subscriber};
use crate::text::Lang;

/// One update's sender and chat, resolved.
pub(crate) struct Ctx {
    pub bot: BotT,
    pub deps: BotDeps,
    pub chat_id: i64,
    pub private: bool,
    pub chat_title: Option<String>,
    pub user_id: i64,
    pub lang: Lang,
    pub role: Role,
    /// An anonymous admin of this group wrote it.
    pub anonymous_admin: bool,
    /// The author of the message this one replies to (`/ban` by reply).
    pub reply_user: Option<i64>,
    /// Why a moderator's command was refused (its reply's key), for the
    /// audit trail.
    pub refused: std::sync::Mutex<Option<String>>,
}

impl Ctx {
    pub fn t(&self, key: &str) -> String {
        self.deps.texts.t(self.lang, key).to_string()
    }

    pub fn fmt(&self, key: &str, args: &[(&str, &str)]) -> String {
        self.deps.texts.fmt(self.lang, key, args)
    }

    /// Sends HTML (escaped by the caller) to this chat.
    pub async fn say(&self, html: impl Into<String>) -> Result<Message, BotError> {
        super::send_html(&self.bot, self.chat_id, html, None).await
    }

    pub async fn say_kb(
        &self,
        html: impl Into<String>,
        keyboard: InlineKeyboardMarkup,
    ) -> Result<Message, BotError> {
        super::send_html(&self.bot, self.chat_id, html, Some(keyboard)).await
    }

    /// Several messages, in order (long lists).
    pub async fn say_all(&self, parts: Vec<String>) -> HandlerResult {
        for p in parts {
            self.say(p).await?;
        }
        Ok(())
    }

    /// Answers with a refusal (bad arguments, nothing found, not allowed)
    /// and remembers it, so the audit trail records the command as refused.
    pub async fn refuse(&self, key: &str, args: &[(&str, &str)]) -> Result<Message, BotError> {
        *self.refused.lock().unwrap_or_else(|e| e.into_inner()) = Some(key.to_string());
        self.say(self.fmt(key, args)).await
    }

    /// This chat's subscription, created on first use.
    pub fn subscriber(&self) -> Result<Subscriber, BotError> {
        let kind = if self.private {
            ChatKind::Private
        } else {
            ChatKind::Group
        };
        Ok(self.deps.store.call(|db| {
            db.ensure_subscriber(
                self.chat_id,
                kind,
                self.chat_title.as_deref(),
                self.lang.code(),
                now(),
            )
        })?)
    }

    /// This chat's subscription if there is one.
    pub fn existing_subscriber(&self) -> Result<Option<Subscriber>, BotError> {
        Ok(self.deps.store.call(|db| db.subscriber(self.chat_id))?)
    }

    /// May this user change the chat's settings? Anyone in a private chat;
    /// in a group, its admins.
    pub async fn may_change_settings(&self) -> Result<bool, BotError> {
        if self.private || self.anonymous_admin {
            return Ok(true);
        }
        let Ok(user) = u64::try_from(self.user_id) else {
            return Ok(false);
        };
        let member = self
            .bot
            .get_chat_member(ChatId(self.chat_id), UserId(user))
            .await?;
        Ok(member.is_privileged())
    }

    /// Writes one audit line.
    pub fn audit(&self, action: &str, target: Option<&str>, detail: Option<&str>, allowed: bool) {
        if let Err(e) = self
            .deps
            .store
            .call(|db| db.audit(self.user_id, action, target, detail, allowed, now()))
        {
            log::error!("bot: audit {action} by {}: {e}", self.user_id);
        }
    }

    /// The role a command or button needs, checked against the store; a
    /// refusal is audited and answered.
    pub fn allowed(&self, needed: Role, action: &str, target: Option<&str>) -> bool {
        if self.role >= needed {
            return true;
        }
        let detail = if needed == Role::Owner {
            "refused: not an owner"
        } else {
            "refused: not a moderator"
        };
        log::warn!("bot: {action} by {} refused ({detail})", self.user_id);
        self.audit(action, target, Some(detail), false);
        false
    }
}
