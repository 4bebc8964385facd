//! The HTTP side of the fake Bot API: request parsing (JSON, form,
//! multipart), the methods, Telegram's limits and error envelopes.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Response, StatusCode, Uri, header};
use serde_json::{Map, Value, json};
use tokio::net::TcpListener;

use super::html::{self, Parsed, utf16_len};
use super::{
    AnsweredCallback, BOT_ID, BOT_NAME, BOT_USERNAME, Button, Content, FakeChat, Inner,
    PendingCallback, Shared, StoredMessage, now_unix,
};

type Params = Map<String, Value>;

/// A Telegram error answer.
#[derive(Debug)]
struct ApiError {
    code: u16,
    description: String,
    parameters: Option<Value>,
}

type Reply = Result<Value, ApiError>;

fn bad(description: impl std::fmt::Display) -> ApiError {
    ApiError {
        code: 400,
        description: format!("Bad Request: {description}"),
        parameters: None,
    }
}

const MAX_TEXT: usize = 4096;
const MAX_CALLBACK_DATA: usize = 64;
const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);
const NOT_MODIFIED: &str = "message is not modified: specified new message content and reply \
                            markup are exactly the same as a current content and reply markup of \
                            the message";

pub(super) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let app = axum::Router::new().fallback(move |uri: Uri, headers: HeaderMap, body: Bytes| {
        let shared = shared.clone();
        async move { handle(&shared, &uri, &headers, body).await }
    });
    if let Err(e) = axum::serve(listener, app).await {
        log::error!("sandbox: telegram: server stopped: {e}");
    }
}

/// The method name from `/bot{TOKEN}/{method}`; the token is skipped and
/// never kept.
/// A key for the token in `/bot{TOKEN}/…` (a hash: the token is never
/// kept), so that two clients of one bot can be told apart from two bots.
fn token_key(path: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let first = path.split('/').find(|s| !s.is_empty()).unwrap_or("");
    let mut h = std::collections::hash_map::DefaultHasher::new();
    first.hash(&mut h);
    h.finish()
}

fn method_name(path: &str) -> Option<&str> {
    let mut segments = path.split('/').filter(|s| !s.is_empty());
    let first = segments.next()?;
    if !first.starts_with("bot") || first.len() <= 3 {
        return None;
    }
    let method = segments.next()?;
    if segments.next().is_some() {
        return None;
    }
    Some(method)
}

async fn handle(shared: &Shared, uri: &Uri, headers: &HeaderMap, body: Bytes) -> Response<Body> {
    let method = method_name(uri.path()).unwrap_or("").to_string();
    let (unavailable, error_page) = {
        let mut inner = shared.lock();
        inner.stats.requests += 1;
        (inner.unavailable, inner.error_page)
    };
    if let Some(status) = error_page {
        shared.event();
        return error_page_response(status, uri.path());
    }
    let result = if unavailable {
        Err(ApiError {
            code: 502,
            description: "Bad Gateway".into(),
            parameters: None,
        })
    } else {
        match parse_params(uri, headers, body).await {
            Ok(params) => call(shared, &method, token_key(uri.path()), &params).await,
            Err(e) => Err(e),
        }
    };
    let shown = if method.is_empty() {
        "(no method)"
    } else {
        &method
    };
    match &result {
        Ok(_) => log::debug!("sandbox: telegram: {shown} → 200"),
        Err(e) => {
            let mut inner = shared.lock();
            match e.code {
                429 => inner.stats.too_many_requests += 1,
                403 => inner.stats.forbidden += 1,
                400 => inner.stats.bad_requests += 1,
                404 => inner.stats.not_found += 1,
                502 => inner.stats.bad_gateway += 1,
                _ => {}
            }
            log::info!("sandbox: telegram: {shown} → {} {}", e.code, e.description);
        }
    }
    shared.event();
    respond(result)
}

/// What a web server or proxy in front of the Bot API answers when it is
/// misconfigured: an HTML page, not JSON, that repeats the request path
/// (and so the token in it) as such pages do.
fn error_page_response(status: u16, path: &str) -> Response<Body> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::NOT_FOUND);
    let reason = status.canonical_reason().unwrap_or("Error");
    let body = format!(
        "<html><head><title>{} {reason}</title></head><body><h1>{reason}</h1>\
         <p>The requested URL {path} could not be served by this proxy.</p></body></html>",
        status.as_u16()
    );
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}

fn respond(result: Reply) -> Response<Body> {
    let (status, body) = match result {
        Ok(v) => (StatusCode::OK, json!({"ok": true, "result": v})),
        Err(e) => {
            let mut body = json!({
                "ok": false,
                "error_code": e.code,
                "description": e.description,
            });
            if let Some(p) = e.parameters {
                body["parameters"] = p;
            }
            (
                StatusCode::from_u16(e.code).unwrap_or(StatusCode::BAD_REQUEST),
                body,
            )
        }
    };
    let mut r = Response::new(Body::from(body.to_string()));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

// ---- request parameters ---------------------------------------------------

async fn parse_params(uri: &Uri, headers: &HeaderMap, body: Bytes) -> Result<Params, ApiError> {
    let mut params = Params::new();
    if let Some(q) = uri.query() {
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
            params.insert(k.into_owned(), Value::String(v.into_owned()));
        }
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(params);
    }
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let lower = content_type.to_ascii_lowercase();
    if lower.starts_with("multipart/form-data") {
        params.extend(parse_multipart(body, content_type).await?);
    } else if lower.starts_with("application/x-www-form-urlencoded") {
        for (k, v) in url::form_urlencoded::parse(&body) {
            params.insert(k.into_owned(), Value::String(v.into_owned()));
        }
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(Value::Object(m)) => params.extend(m),
            _ => return Err(bad("can't parse JSON object")),
        }
    }
    Ok(params)
}

/// The text fields of a multipart/form-data body (files are not kept), read
/// by multer, the parser behind axum's `Multipart`.
async fn parse_multipart(body: Bytes, content_type: &str) -> Result<Params, ApiError> {
    let boundary = multer::parse_boundary(content_type)
        .map_err(|_| bad("can't parse multipart/form-data request: no boundary"))?;
    let malformed = |_| bad("can't parse multipart/form-data request");
    let body = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(body, boundary);
    let mut fields = Params::new();
    while let Some(field) = multipart.next_field().await.map_err(malformed)? {
        let name = field.name().map(str::to_string);
        let is_file = field.file_name().is_some();
        let content = field.bytes().await.map_err(malformed)?;
        if let Some(name) = name
            && !is_file
        {
            let value = String::from_utf8_lossy(&content).into_owned();
            fields.insert(name, Value::String(value));
        }
    }
    Ok(fields)
}

fn int(params: &Params, key: &str) -> Result<Option<i64>, ApiError> {
    match params.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .map(Some)
            .ok_or_else(|| bad(format!("field \"{key}\" must be an integer"))),
        Some(Value::String(s)) => s
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| bad(format!("field \"{key}\" must be an integer"))),
        Some(_) => Err(bad(format!("field \"{key}\" must be an integer"))),
    }
}

fn string(params: &Params, key: &str) -> Option<String> {
    match params.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn boolean(params: &Params, key: &str) -> bool {
    match params.get(key) {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => matches!(s.trim(), "true" | "True" | "1"),
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    }
}

/// A JSON-object parameter, given as JSON or as a JSON string (form and
/// multipart bodies).
fn object(params: &Params, key: &str, what: &str) -> Result<Option<Value>, ApiError> {
    match params.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => serde_json::from_str(s)
            .map(Some)
            .map_err(|_| bad(format!("can't parse {what} JSON object"))),
        Some(v) => Ok(Some(v.clone())),
    }
}

// ---- methods --------------------------------------------------------------

async fn call(shared: &Shared, method: &str, token: u64, params: &Params) -> Reply {
    let name = method.to_ascii_lowercase();
    if name == "getupdates" {
        let generation = {
            let mut inner = shared.lock();
            if inner.webhook.is_some() {
                return Err(ApiError {
                    code: 409,
                    description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first".into(),
                    parameters: None,
                });
            }
            // Telegram serves one getUpdates per bot at a time: a new one
            // ends the one in progress, which is answered 409 Conflict (two
            // processes of one bot keep getting it).
            let generation = inner.next_poll;
            inner.next_poll += 1;
            if inner.polling.insert(token, generation).is_some() {
                shared.updates_changed.notify_waiters();
            }
            generation
        };
        let _polling = PollingGuard {
            shared,
            token,
            generation,
        };
        // A long poll is held open from now on.
        shared.event();
        return get_updates(shared, params, token, generation).await;
    }
    let (reply, sent) = {
        let mut inner = shared.lock();
        let before = inner.messages.len();
        let reply = match name.as_str() {
            "getme" => Ok(json!({
                "id": BOT_ID,
                "is_bot": true,
                "first_name": BOT_NAME,
                "username": BOT_USERNAME,
                "can_join_groups": true,
                "can_read_all_group_messages": false,
                "supports_inline_queries": false,
                "can_connect_to_business": false,
                "has_main_web_app": false,
            })),
            "deletewebhook" => {
                if boolean(params, "drop_pending_updates") {
                    inner.updates.clear();
                }
                inner.webhook = None;
                Ok(json!(true))
            }
            "setwebhook" => match params
                .get("url")
                .and_then(|v| v.as_str())
                .filter(|u| !u.is_empty())
            {
                Some(url) => {
                    if boolean(params, "drop_pending_updates") {
                        inner.updates.clear();
                    }
                    let secret_token = params
                        .get("secret_token")
                        .and_then(|v| v.as_str())
                        .map(str::to_string);
                    inner.webhook = Some(super::Webhook {
                        url: url.to_string(),
                        secret_token,
                    });
                    shared.updates_changed.notify_waiters();
                    Ok(json!(true))
                }
                None => {
                    inner.webhook = None;
                    Ok(json!(true))
                }
            },
            "getwebhookinfo" => Ok(json!({
                "url": inner.webhook.as_ref().map(|w| w.url.clone()).unwrap_or_default(),
                "has_custom_certificate": false,
                "pending_update_count": inner.updates.len(),
            })),
            "setmycommands" => set_my_commands(&mut inner, params),
            "getmycommands" => get_my_commands(&inner, params),
            "deletemycommands" => {
                check_scope_chat(&inner, params)?;
                let key = commands_key(params)?;
                inner.commands.remove(&key);
                Ok(json!(true))
            }
            "sendmessage" => send_message(&mut inner, params),
            "editmessagetext" => edit_message_text(&mut inner, params),
            "editmessagereplymarkup" => edit_message_reply_markup(&mut inner, params),
            "deletemessage" => delete_message(&mut inner, params),
            "answercallbackquery" => answer_callback_query(&mut inner, params),
            "sendchataction" => send_chat_action(&mut inner, params),
            "getchat" => get_chat(&inner, params),
            "getchatmember" => get_chat_member(&inner, params),
            _ => Err(ApiError {
                code: 404,
                description: "Not Found: method not found".into(),
                parameters: None,
            }),
        };
        let changed = inner.messages.len() != before
            || (reply.is_ok() && (name.starts_with("edit") || name == "deletemessage"));
        (reply, changed)
    };
    if sent {
        shared.sent_changed.notify_waiters();
    }
    reply
}

/// Marks a token's `getUpdates` as over, however the request ends (the
/// client may hang up while it is held).
struct PollingGuard<'a> {
    shared: &'a Shared,
    token: u64,
    generation: u64,
}

impl Drop for PollingGuard<'_> {
    fn drop(&mut self) {
        let mut inner = self.shared.lock();
        if inner.polling.get(&self.token) == Some(&self.generation) {
            inner.polling.remove(&self.token);
        }
    }
}

async fn get_updates(shared: &Shared, params: &Params, token: u64, generation: u64) -> Reply {
    let offset = int(params, "offset")?;
    let limit = int(params, "limit")?.unwrap_or(100).clamp(1, 100);
    let timeout = int(params, "timeout")?.unwrap_or(0).clamp(0, 50);
    let limit = usize::try_from(limit).unwrap_or(100);
    // Update kinds the client asked for; Telegram drops the others.
    let allowed: Vec<String> = object(params, "allowed_updates", "allowed updates")?
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|k| k.as_str().map(str::to_string))
        .collect();
    let deadline =
        tokio::time::Instant::now() + Duration::from_secs(u64::try_from(timeout).unwrap_or(0));
    loop {
        let notified = shared.updates_changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let mut inner = shared.lock();
            if inner.closed {
                return Ok(json!([]));
            }
            if inner.polling.get(&token) != Some(&generation) {
                inner.stats.conflicts += 1;
                return Err(ApiError {
                    code: 409,
                    description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running".into(),
                    parameters: None,
                });
            }
            let queued = inner.updates.len();
            match offset {
                Some(off) if off > 0 => inner.updates.retain(|(id, _)| *id >= off),
                Some(off) if off < 0 => {
                    let keep = usize::try_from(off.unsigned_abs()).unwrap_or(usize::MAX);
                    while inner.updates.len() > keep {
                        inner.updates.pop_front();
                    }
                }
                _ => {}
            }
            if !allowed.is_empty() {
                inner.updates.retain(|(_, u)| {
                    u.as_object().is_some_and(|o| {
                        o.keys()
                            .any(|k| k != "update_id" && allowed.iter().any(|a| a == k))
                    })
                });
            }
            if inner.updates.len() != queued {
                // Updates confirmed (or dropped): taken by the bot.
                shared.event();
            }
            if !inner.updates.is_empty() {
                let batch: Vec<Value> = inner
                    .updates
                    .iter()
                    .take(limit)
                    .map(|(_, u)| u.clone())
                    .collect();
                return Ok(Value::Array(batch));
            }
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            return Ok(json!([]));
        }
    }
}

/// A canonical key for a `BotCommandScope` JSON object.
pub(super) fn scope_key(scope: &Value) -> String {
    let kind = scope
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("default");
    let id = |key: &str| match scope.get(key) {
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::String(s)) => Some(s.trim().to_string()),
        _ => None,
    };
    let mut key = kind.to_string();
    for part in [id("chat_id"), id("user_id")].into_iter().flatten() {
        key.push(':');
        key.push_str(&part);
    }
    key
}

fn commands_key(params: &Params) -> Result<(String, String), ApiError> {
    let scope = object(params, "scope", "bot command scope")?
        .map(|s| scope_key(&s))
        .unwrap_or_else(|| "default".into());
    let lang = string(params, "language_code").unwrap_or_default();
    Ok((scope, lang))
}

/// With [`FakeTelegram::require_known_chats`](super::FakeTelegram::require_known_chats),
/// a chat scope names a chat the bot must have seen, as Telegram wants
/// (a moderator who never opened the bot: "chat not found").
fn check_scope_chat(inner: &Inner, params: &Params) -> Result<(), ApiError> {
    if !inner.require_known_chats {
        return Ok(());
    }
    let Some(scope) = object(params, "scope", "bot command scope")? else {
        return Ok(());
    };
    let chat = match scope.get("chat_id") {
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => return Ok(()),
    };
    match chat {
        Some(id) if inner.chats.contains_key(&id) => Ok(()),
        _ => Err(bad("chat not found")),
    }
}

fn set_my_commands(inner: &mut Inner, params: &Params) -> Reply {
    check_scope_chat(inner, params)?;
    let key = commands_key(params)?;
    let commands = object(params, "commands", "bot commands")?
        .ok_or_else(|| bad("parameter \"commands\" is required"))?;
    let list = commands
        .as_array()
        .ok_or_else(|| bad("can't parse bot commands JSON object"))?;
    if list.len() > 100 {
        return Err(bad("too many commands"));
    }
    let mut stored = Vec::with_capacity(list.len());
    for c in list {
        let command = c.get("command").and_then(Value::as_str).unwrap_or("");
        let command = command.strip_prefix('/').unwrap_or(command);
        let description = c.get("description").and_then(Value::as_str).unwrap_or("");
        let valid = (1..=32).contains(&command.chars().count())
            && command
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
        if !valid {
            return Err(bad("BOT_COMMAND_INVALID"));
        }
        if !(1..=256).contains(&description.chars().count()) {
            return Err(bad("command description is empty or too long"));
        }
        stored.push((command.to_string(), description.to_string()));
    }
    inner.commands.insert(key, stored);
    Ok(json!(true))
}

fn get_my_commands(inner: &Inner, params: &Params) -> Reply {
    let key = commands_key(params)?;
    let list: Vec<Value> = inner
        .commands
        .get(&key)
        .map(|l| {
            l.iter()
                .map(|(c, d)| json!({"command": c, "description": d}))
                .collect()
        })
        .unwrap_or_default();
    Ok(Value::Array(list))
}

impl Inner {
    fn chat_id(&self, params: &Params) -> Result<i64, ApiError> {
        match params.get("chat_id") {
            None | Some(Value::Null) => Err(bad("chat_id is empty")),
            Some(Value::String(s)) if s.starts_with('@') => {
                let name = &s[1..];
                self.chats
                    .values()
                    .find(|c| match c {
                        FakeChat::Private(u) => u.username.as_deref() == Some(name),
                        FakeChat::Channel { username, .. } => username.eq_ignore_ascii_case(name),
                        _ => false,
                    })
                    .map(FakeChat::id)
                    .ok_or_else(|| bad("chat not found"))
            }
            Some(_) => int(params, "chat_id")?.ok_or_else(|| bad("chat not found")),
        }
    }

    /// Blocked and migrated chats.
    fn check_chat(&self, chat_id: i64) -> Result<(), ApiError> {
        if let Some(new_id) = self.migrated.get(&chat_id) {
            return Err(ApiError {
                code: 400,
                description: "Bad Request: group chat was upgraded to a supergroup chat".into(),
                parameters: Some(json!({"migrate_to_chat_id": new_id})),
            });
        }
        if self.blocked.contains(&chat_id) {
            let description = match self.chat(chat_id) {
                FakeChat::Private(_) => "Forbidden: bot was blocked by the user",
                FakeChat::Group { .. } => "Forbidden: bot was kicked from the group chat",
                FakeChat::Supergroup { .. } => "Forbidden: bot was kicked from the supergroup chat",
                FakeChat::Channel { .. } => "Forbidden: bot was kicked from the channel chat",
            };
            return Err(ApiError {
                code: 403,
                description: description.into(),
                parameters: None,
            });
        }
        Ok(())
    }

    /// Telegram's flood control; records the send when it is allowed.
    fn check_rate(&mut self, chat_id: i64, now: Instant) -> Result<(), ApiError> {
        let limits = self.limits;
        // Per chat and group the windows are `jitter` shorter; overall it is
        // any full second, as Telegram counts.
        let sec = SECOND.saturating_sub(limits.jitter);
        let min = MINUTE.saturating_sub(limits.jitter);
        while self
            .sends_overall
            .front()
            .is_some_and(|t| now.duration_since(*t) >= SECOND)
        {
            self.sends_overall.pop_front();
        }
        let per_chat = self.sends_per_chat.entry(chat_id).or_default();
        while per_chat
            .front()
            .is_some_and(|t| now.duration_since(*t) >= MINUTE)
        {
            per_chat.pop_front();
        }
        let mut wait = Duration::ZERO;
        let mut check = |times: &mut dyn Iterator<Item = &Instant>, window: Duration, max: u32| {
            let recent: Vec<Instant> = times
                .filter(|t| now.duration_since(**t) < window)
                .copied()
                .collect();
            let max = usize::try_from(max).unwrap_or(usize::MAX);
            if max == 0 {
                wait = wait.max(window);
            } else if max != usize::MAX && recent.len() >= max {
                let oldest = recent[recent.len() - max];
                wait = wait.max((oldest + window).saturating_duration_since(now));
            }
        };
        check(
            &mut self.sends_overall.iter(),
            SECOND,
            limits.overall_per_sec,
        );
        check(&mut per_chat.iter(), sec, limits.per_chat_per_sec);
        if chat_id < 0 {
            check(&mut per_chat.iter(), min, limits.per_group_per_min);
        }
        if !wait.is_zero() {
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            let secs = secs.max(1);
            return Err(ApiError {
                code: 429,
                description: format!("Too Many Requests: retry after {secs}"),
                parameters: Some(json!({"retry_after": secs})),
            });
        }
        per_chat.push_back(now);
        self.sends_overall.push_back(now);
        Ok(())
    }

    fn find_message(&self, chat_id: i64, message_id: i32) -> Option<usize> {
        self.messages
            .iter()
            .position(|m| m.chat_id == chat_id && m.message_id == message_id && !m.deleted)
    }
}

fn message_id(params: &Params) -> Result<i32, ApiError> {
    let id =
        int(params, "message_id")?.ok_or_else(|| bad("message identifier is not specified"))?;
    i32::try_from(id).map_err(|_| bad("MESSAGE_ID_INVALID"))
}

/// The inline keyboard, validated as Telegram does.
fn keyboard(params: &Params) -> Result<(Option<Value>, Vec<Vec<Button>>), ApiError> {
    let Some(markup) = object(params, "reply_markup", "reply keyboard markup")? else {
        return Ok((None, Vec::new()));
    };
    let Some(rows) = markup.get("inline_keyboard") else {
        // A reply keyboard, a keyboard removal or a force-reply: accepted,
        // not shown.
        return Ok((Some(markup), Vec::new()));
    };
    let rows = rows
        .as_array()
        .ok_or_else(|| bad("can't parse inline keyboard: rows must be an array"))?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let row = row
            .as_array()
            .ok_or_else(|| bad("can't parse inline keyboard: a row must be an array"))?;
        let mut buttons = Vec::with_capacity(row.len());
        for b in row {
            let text = b.get("text").and_then(Value::as_str).ok_or_else(|| {
                bad("can't parse inline keyboard button: Field \"text\" must be of type String")
            })?;
            let callback_data = b.get("callback_data").and_then(Value::as_str);
            if let Some(data) = callback_data
                && (data.is_empty() || data.len() > MAX_CALLBACK_DATA)
            {
                return Err(bad("BUTTON_DATA_INVALID"));
            }
            let url = b.get("url").and_then(Value::as_str);
            if let Some(u) = url
                && url::Url::parse(u).is_err()
            {
                return Err(bad("BUTTON_URL_INVALID"));
            }
            let other_action = [
                "web_app",
                "login_url",
                "switch_inline_query",
                "switch_inline_query_current_chat",
                "switch_inline_query_chosen_chat",
                "copy_text",
                "callback_game",
                "pay",
            ]
            .iter()
            .any(|k| b.get(*k).is_some());
            if callback_data.is_none() && url.is_none() && !other_action {
                return Err(bad(
                    "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
                ));
            }
            buttons.push(Button {
                text: text.to_string(),
                callback_data: callback_data.map(str::to_string),
                url: url.map(str::to_string),
            });
        }
        out.push(buttons);
    }
    Ok((Some(markup), out))
}

/// Text, parse mode, keyboard and link preview of a send or an edit.
fn content(params: &Params, edit: bool) -> Result<Content, ApiError> {
    let text = string(params, "text").unwrap_or_default();
    let parse_mode = string(params, "parse_mode").filter(|m| !m.trim().is_empty());
    let parsed = match parse_mode
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None => Parsed::plain(&text),
        Some("html") => {
            html::parse_html(&text).map_err(|e| bad(format!("can't parse entities: {e}")))?
        }
        // Markdown modes are accepted but not parsed by the sandbox.
        Some("markdown" | "markdownv2") => Parsed::plain(&text),
        Some(_) => return Err(bad("unsupported parse_mode")),
    };
    if parsed.text.trim().is_empty() {
        return Err(bad("message text is empty"));
    }
    if utf16_len(&parsed.text) > MAX_TEXT {
        return Err(bad(if edit {
            "MESSAGE_TOO_LONG"
        } else {
            "message is too long"
        }));
    }
    let (reply_markup, buttons) = keyboard(params)?;
    let silent = boolean(params, "disable_notification");
    let link_preview_disabled =
        match object(params, "link_preview_options", "link preview options")? {
            Some(o) => o
                .get("is_disabled")
                .and_then(Value::as_bool)
                .unwrap_or(false),
            None => boolean(params, "disable_web_page_preview"),
        };
    Ok(Content {
        text,
        parsed,
        parse_mode,
        reply_markup,
        buttons,
        link_preview_disabled,
        silent,
    })
}

fn send_message(inner: &mut Inner, params: &Params) -> Reply {
    let chat_id = inner.chat_id(params)?;
    inner.check_chat(chat_id)?;
    // Only a channel's administrators post in it.
    if matches!(inner.chats.get(&chat_id), Some(FakeChat::Channel { .. }))
        && !inner.channel_admin.contains(&chat_id)
    {
        return Err(ApiError {
            code: 403,
            description: "Forbidden: bot is not a member of the channel chat".into(),
            parameters: None,
        });
    }
    let content = content(params, false)?;
    inner.check_rate(chat_id, Instant::now())?;
    let message_id = inner.next_message_id(chat_id);
    let msg = StoredMessage {
        chat_id,
        message_id,
        from: None,
        date: now_unix(),
        edit_date: None,
        current: content,
        versions: Vec::new(),
        deleted: false,
    };
    let json = inner.message_json(&msg);
    let line = inner.bot_line(&msg, false);
    inner.transcript.push(line);
    inner.messages.push(msg);
    inner.stats.messages_accepted += 1;
    Ok(json)
}

fn editable(inner: &Inner, params: &Params) -> Result<(i64, usize), ApiError> {
    if params.get("inline_message_id").is_some() && params.get("chat_id").is_none() {
        return Err(bad("inline messages are not supported by the sandbox"));
    }
    let chat_id = inner.chat_id(params)?;
    inner.check_chat(chat_id)?;
    let message_id = message_id(params)?;
    let idx = inner
        .find_message(chat_id, message_id)
        .ok_or_else(|| bad("message to edit not found"))?;
    if inner.messages[idx].from.is_some() {
        return Err(bad("message can't be edited"));
    }
    Ok((chat_id, idx))
}

fn replace_content(inner: &mut Inner, idx: usize, new: Content) -> Reply {
    let Some(msg) = inner.messages.get_mut(idx) else {
        return Err(bad("message to edit not found"));
    };
    if msg.current.parsed == new.parsed && msg.current.reply_markup == new.reply_markup {
        return Err(bad(NOT_MODIFIED));
    }
    let old = std::mem::replace(&mut msg.current, new);
    msg.versions.push(old);
    msg.edit_date = Some(now_unix());
    let msg = msg.clone();
    let line = inner.bot_line(&msg, true);
    inner.transcript.push(line);
    Ok(inner.message_json(&msg))
}

fn edit_message_text(inner: &mut Inner, params: &Params) -> Reply {
    let (_, idx) = editable(inner, params)?;
    let new = content(params, true)?;
    replace_content(inner, idx, new)
}

fn edit_message_reply_markup(inner: &mut Inner, params: &Params) -> Reply {
    let (_, idx) = editable(inner, params)?;
    let (reply_markup, buttons) = keyboard(params)?;
    let mut new = inner.messages[idx].current.clone();
    new.reply_markup = reply_markup;
    new.buttons = buttons;
    replace_content(inner, idx, new)
}

fn delete_message(inner: &mut Inner, params: &Params) -> Reply {
    let chat_id = inner.chat_id(params)?;
    inner.check_chat(chat_id)?;
    let message_id = message_id(params)?;
    let idx = inner
        .find_message(chat_id, message_id)
        .ok_or_else(|| bad("message to delete not found"))?;
    let name = inner.chat(chat_id).name().to_string();
    let msg = &mut inner.messages[idx];
    msg.deleted = true;
    let whose = if msg.from.is_none() { "its" } else { "a" };
    let first = msg
        .current
        .parsed
        .text
        .lines()
        .next()
        .unwrap_or("")
        .to_string();
    inner
        .transcript
        .push(format!("🤖 deletes {whose} message in {name}: {first}"));
    Ok(json!(true))
}

fn answer_callback_query(inner: &mut Inner, params: &Params) -> Reply {
    let id = string(params, "callback_query_id").unwrap_or_default();
    let PendingCallback {
        user_id,
        user_name,
        chat_id,
        message_id,
        data,
    } = inner.pending_callbacks.remove(&id).ok_or_else(|| {
        bad("query is too old and response timeout expired or query ID is invalid")
    })?;
    let text = string(params, "text").filter(|t| !t.is_empty());
    if text.as_ref().is_some_and(|t| t.chars().count() > 200) {
        return Err(bad("MESSAGE_TOO_LONG"));
    }
    let show_alert = boolean(params, "show_alert");
    if let Some(t) = &text {
        let how = if show_alert { "alert" } else { "notice" };
        inner
            .transcript
            .push(format!("🤖 ({how} to {user_name}): {t}"));
    }
    inner.answered.push(AnsweredCallback {
        callback_query_id: id,
        user_id,
        chat_id,
        message_id,
        data,
        text,
        show_alert,
        url: string(params, "url"),
    });
    Ok(json!(true))
}

fn send_chat_action(inner: &mut Inner, params: &Params) -> Reply {
    let chat_id = inner.chat_id(params)?;
    inner.check_chat(chat_id)?;
    let action = string(params, "action")
        .filter(|a| !a.is_empty())
        .ok_or_else(|| bad("wrong parameter action in request"))?;
    inner.chat_actions.push((chat_id, action));
    Ok(json!(true))
}

fn get_chat(inner: &Inner, params: &Params) -> Reply {
    let chat_id = inner.chat_id(params)?;
    inner.check_chat(chat_id)?;
    let chat = inner
        .chats
        .get(&chat_id)
        .ok_or_else(|| bad("chat not found"))?;
    let mut v = chat.json();
    v["accepted_gift_types"] = json!({
        "unlimited_gifts": false,
        "limited_gifts": false,
        "unique_gifts": false,
        "premium_subscription": false,
    });
    v["max_reaction_count"] = json!(11);
    v["accent_color_id"] = json!(0);
    Ok(v)
}

/// A group's administrators are those `make_admin` named; everyone else
/// is a plain member.
fn get_chat_member(inner: &Inner, params: &Params) -> Reply {
    let chat_id = inner.chat_id(params)?;
    inner.check_chat(chat_id)?;
    let user_id = int(params, "user_id")?
        .and_then(|u| u64::try_from(u).ok())
        .ok_or_else(|| bad("user_id is required"))?;
    if let Some(user) = inner.admins.get(&(chat_id, user_id)) {
        return Ok(json!({
            "status": "administrator",
            "user": user.json(),
            "can_be_edited": false,
            "is_anonymous": false,
            "can_manage_chat": true,
            "can_change_info": true,
            "can_delete_messages": true,
            "can_manage_video_chats": false,
            "can_invite_users": true,
            "can_restrict_members": true,
            "can_promote_members": false,
        }));
    }
    // In a channel the bot is an administrator or not there at all.
    if matches!(inner.chats.get(&chat_id), Some(FakeChat::Channel { .. }))
        && user_id == super::BOT_ID
    {
        if !inner.channel_admin.contains(&chat_id) {
            return Ok(json!({"status": "left", "user": super::bot_user_json()}));
        }
        return Ok(json!({
            "status": "administrator",
            "user": super::bot_user_json(),
            "can_be_edited": false,
            "is_anonymous": false,
            "can_manage_chat": true,
            "can_change_info": false,
            "can_delete_messages": false,
            "can_manage_video_chats": false,
            "can_invite_users": false,
            "can_restrict_members": false,
            "can_promote_members": false,
            "can_post_messages": true,
            "can_edit_messages": true,
            "can_post_stories": false,
            "can_edit_stories": false,
            "can_delete_stories": false,
        }));
    }
    let user = super::FakeUser::new(user_id, &format!("User {user_id}"));
    Ok(json!({"status": "member", "user": user.json()}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_name_skips_the_token() {
        assert_eq!(method_name("/bot123:ABC/getMe"), Some("getMe"));
        assert_eq!(method_name("//bot123:ABC/sendMessage"), Some("sendMessage"));
        assert_eq!(method_name("/bot/getMe"), None);
        assert_eq!(method_name("/file/bot1:A/x"), None);
    }

    #[tokio::test]
    async fn multipart_text_fields_are_read() {
        let body = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n42\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n\
Content-Type: image/jpeg\r\n\r\n\xff\xd8\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\nline1\r\nline2\r\n--XyZ--\r\n",
        );
        let p = parse_multipart(body, "multipart/form-data; boundary=XyZ")
            .await
            .expect("parses");
        assert_eq!(p["chat_id"], "42");
        assert_eq!(p["text"], "line1\r\nline2");
        assert!(!p.contains_key("photo"), "files are not kept: {p:?}");
    }

    #[tokio::test]
    async fn malformed_multipart_is_a_bad_request() {
        let cut = Bytes::from_static(
            b"--XyZ\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n42",
        );
        let e = parse_multipart(cut, "multipart/form-data; boundary=XyZ")
            .await
            .expect_err("a body cut before its closing boundary");
        assert_eq!(e.code, 400);
        let e = parse_multipart(Bytes::from_static(b"x"), "multipart/form-data")
            .await
            .expect_err("no boundary");
        assert!(e.description.contains("no boundary"), "{}", e.description);
    }

    #[tokio::test]
    async fn the_overall_limit_counts_any_one_second_window() {
        let fake = super::super::FakeTelegram::start(super::super::Limits::default())
            .await
            .expect("fake starts");
        let mut inner = fake.shared.lock();
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        // 30 sends to 30 chats in 900 ms are allowed; a 31st within the same
        // second is not, however they were spread.
        for i in 0..30 {
            inner
                .check_rate(100 + i, at(30 * i as u64))
                .expect("within 30/s");
        }
        let err = inner.check_rate(200, at(950)).expect_err("31 in a second");
        assert_eq!(err.code, 429);
        // A second after the first send, it has left the window.
        inner.check_rate(201, at(1000)).expect("window slid");
        // Steady 29/s never trips it; steady 32/s does.
        let t1 = at(5000);
        for i in 0..200u32 {
            let now = t1 + Duration::from_secs(1) * i / 29;
            inner.check_rate(1000 + i64::from(i), now).expect("29/s");
        }
        let t2 = at(20_000);
        let refused = (0..200u32)
            .filter(|i| {
                let now = t2 + Duration::from_secs(1) * *i / 32;
                inner.check_rate(5000 + i64::from(*i), now).is_err()
            })
            .count();
        assert!(refused > 0);
    }

    #[test]
    fn scope_keys_agree_for_numbers_and_strings() {
        assert_eq!(
            scope_key(&json!({"type": "chat", "chat_id": 42})),
            scope_key(&json!({"type": "chat", "chat_id": "42"}))
        );
        assert_eq!(scope_key(&json!({"type": "default"})), "default");
    }
}
