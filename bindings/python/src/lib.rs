//! Python bindings of Switchboard: the native module `switchboard._native`,
//! re-exported by the pure-Python package `switchboard`.
//!
//! Every blocking call releases the GIL while it waits; every `*_async`
//! method returns an asyncio awaitable. Both are driven by one shared Tokio
//! runtime.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use serde::de::DeserializeOwned;
use serde::Serialize;
use switchboard::{Channel, ErrorKind, Message, Receipt, Recipient, Registry, Secret, Text};
use switchboard_emulator::{Emulator, Failure, FailureRate, PairLimit, RateLimit};

// The linking caveat: reference every channel crate the module ships.
// The channel crates this module ships: linking them registers their plugins.
use switchboard_example_sms as _;
use switchboard_messenger as _;
use switchboard_telegram as _;
use switchboard_whatsapp as _;

/// The Tokio runtime of this process, behind every call of the module.
///
/// Built on first use, and again in a forked child (multiprocessing,
/// gunicorn / celery pre-fork): a child inherits the parent's runtime
/// without its threads, and its I/O driver shares the parent's epoll
/// instance. The inherited runtime is leaked in the child, never used or
/// dropped, so the parent's connections are left alone.
fn runtime() -> PyResult<&'static tokio::runtime::Runtime> {
    static RUNTIME: Mutex<Option<(u32, &'static tokio::runtime::Runtime)>> = Mutex::new(None);
    let pid = std::process::id();
    let mut current = RUNTIME
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some((owner, rt)) = *current {
        if owner == pid {
            return Ok(rt);
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("switchboard")
        .enable_all()
        .build()
        .map_err(|e| PyRuntimeError::new_err(format!("cannot start the Tokio runtime: {e}")))?;
    let rt: &'static tokio::runtime::Runtime = Box::leak(Box::new(rt));
    *current = Some((pid, rt));
    Ok(rt)
}

/// Interpreter shutdown (see [`shutdown`]): set once, at exit.
static EXITING: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// Tasks that may still attach to Python: awaitables and handler calls.
static BUSY: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
/// Wakes the awaitables' tasks at exit, so that they end without Python.
static EXIT: tokio::sync::Notify = tokio::sync::Notify::const_new();

/// A task allowed to attach to Python until the interpreter exits; `None`
/// once it is exiting.
struct PythonWork;

impl PythonWork {
    fn begin() -> Option<PythonWork> {
        use std::sync::atomic::Ordering::SeqCst;
        // Counted first, then checked: `shutdown` sets the flag first, then
        // waits for the count, so either side sees the other.
        BUSY.fetch_add(1, SeqCst);
        let work = PythonWork;
        (!EXITING.load(SeqCst)).then_some(work)
    }
}

impl Drop for PythonWork {
    fn drop(&mut self) {
        BUSY.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// Resolves when the interpreter starts exiting.
async fn exiting() {
    let notified = EXIT.notified();
    tokio::pin!(notified);
    notified.as_mut().enable();
    if !EXITING.load(std::sync::atomic::Ordering::SeqCst) {
        notified.await;
    }
}

/// Called at interpreter exit (registered with `atexit` by the package):
/// webhook events not yet handed to Python are dropped (the receiver is
/// at-most-once, as at any exit), awaitables still in flight end quietly, and the handler calls already running finish first. Without
/// this, a thread attaching to a finalizing interpreter aborts the process.
/// Runs the ``switchboard`` command line (``argv`` with the program name
/// first) and returns its exit code: the console script and
/// ``python -m switchboard``.
#[pyfunction(name = "_cli")]
fn cli(py: Python<'_>, argv: Vec<String>) -> i32 {
    py.detach(|| switchboard_cli::run(argv))
}

#[pyfunction(name = "_shutdown")]
fn shutdown(py: Python<'_>) {
    use std::sync::atomic::Ordering::SeqCst;
    EXITING.store(true, SeqCst);
    EXIT.notify_waiters();
    // A handler still running user code is waited for, as Python waits for
    // its own threads; the bound only keeps a wedged handler from hanging exit.
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    py.detach(|| {
        while BUSY.load(SeqCst) > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

/// asyncio awaitables run on [`runtime`], the process's own, rather than on
/// a runtime fixed at import (which a forked child could not use).
struct ProcessRuntime;

tokio::task_local! {
    static TASK_LOCALS: std::cell::OnceCell<pyo3_async_runtimes::TaskLocals>;
}

impl pyo3_async_runtimes::generic::Runtime for ProcessRuntime {
    type JoinError = tokio::task::JoinError;
    type JoinHandle = TaskHandle;

    fn spawn<F>(fut: F) -> Self::JoinHandle
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        spawn_here(fut)
    }

    fn spawn_blocking<F>(f: F) -> Self::JoinHandle
    where
        F: FnOnce() + Send + 'static,
    {
        // Counted like every task that attaches to Python: at exit the
        // interpreter waits for it, and a late one does not run at all.
        let guarded = move || {
            if let Some(_work) = PythonWork::begin() {
                f();
            }
        };
        match runtime() {
            Ok(rt) => Box::pin(rt.spawn_blocking(guarded)),
            // As in `spawn_here`: a thread of its own rather than a panic.
            Err(_) => spawn_here(async move { guarded() }),
        }
    }
}

impl pyo3_async_runtimes::generic::ContextExt for ProcessRuntime {
    fn scope<F, R>(
        locals: pyo3_async_runtimes::TaskLocals,
        fut: F,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = R> + Send>>
    where
        F: std::future::Future<Output = R> + Send + 'static,
    {
        Box::pin(TASK_LOCALS.scope(std::cell::OnceCell::from(locals), fut))
    }

    fn get_task_locals() -> Option<pyo3_async_runtimes::TaskLocals> {
        TASK_LOCALS
            .try_with(|c| c.get().cloned())
            .unwrap_or_default()
    }
}

/// A task of [`ProcessRuntime`].
type TaskHandle =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), tokio::task::JoinError>> + Send>>;

/// Spawns on this process's runtime. The runtime exists: every awaitable is
/// made by [`awaitable`], which builds it first; were building it to fail
/// here anyway, the task runs on a thread of its own instead of panicking.
fn spawn_here<F>(fut: F) -> TaskHandle
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    let fut = async move {
        if let Some(_work) = PythonWork::begin() {
            tokio::select! {
                () = fut => {}
                () = exiting() => {}
            }
        }
    };
    if let Ok(rt) = runtime() {
        return Box::pin(rt.spawn(fut));
    }
    let (done, finished) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            rt.block_on(fut);
        }
        let _ = done.send(());
    });
    Box::pin(async move {
        let _ = finished.await;
        Ok(())
    })
}

/// A Python awaitable of `fut`, driven by this process's runtime. Called
/// inside a running event loop, an asyncio future; outside one (as in
/// ``asyncio.run(channel.send_async(m))``), a coroutine that starts the send
/// once a loop runs it.
fn awaitable<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: std::future::Future<Output = PyResult<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    runtime()?;
    let asyncio = py.import("asyncio")?;
    if asyncio.call_method0("get_running_loop").is_ok() {
        return pyo3_async_runtimes::generic::future_into_py::<ProcessRuntime, _, _>(py, fut);
    }
    let pending = Mutex::new(Some(fut));
    let start = pyo3::types::PyCFunction::new_closure(
        py,
        None,
        None,
        move |args: &Bound<'_, pyo3::types::PyTuple>, _kwargs| -> PyResult<Py<PyAny>> {
            let py = args.py();
            let fut = pending
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .take()
                .ok_or_else(|| PyRuntimeError::new_err("this coroutine was already awaited"))?;
            Ok(awaitable(py, fut)?.unbind())
        },
    )?;
    py.import("switchboard._aio")?
        .call_method1("later", (start,))
}

/// The Python exception class for an error kind (see `switchboard/errors.py`).
fn exception_class(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::InvalidMessage => "ValidationError",
        ErrorKind::Unsupported => "UnsupportedError",
        ErrorKind::Config => "ConfigError",
        ErrorKind::Unauthorized => "AuthError",
        ErrorKind::PermissionDenied => "PermissionDeniedError",
        ErrorKind::InvalidRecipient => "InvalidRecipientError",
        ErrorKind::OutsideWindow => "OutsideWindowError",
        ErrorKind::RateLimited => "RateLimitedError",
        ErrorKind::Rejected => "PlatformError",
        ErrorKind::PlatformUnavailable => "PlatformUnavailableError",
        ErrorKind::Network => "NetworkError",
        ErrorKind::Timeout => "TimeoutError",
        ErrorKind::Duplicate => "DuplicateError",
        ErrorKind::UnexpectedResponse => "UnexpectedResponseError",
        _ => "Error",
    }
}

fn build_exception(py: Python<'_>, e: &switchboard::Error) -> PyResult<PyErr> {
    let module = py.import("switchboard.errors")?;
    let class = module.getattr(exception_class(e.kind()))?;
    let kwargs = PyDict::new(py);
    kwargs.set_item("kind", e.kind().as_str())?;
    kwargs.set_item("channel", e.channel())?;
    kwargs.set_item("temporary", e.is_temporary())?;
    kwargs.set_item("retry_after", e.retry_after().map(|d| d.as_secs_f64()))?;
    if let Some(p) = e.platform() {
        kwargs.set_item("code", p.code)?;
        kwargs.set_item("subcode", p.subcode)?;
        kwargs.set_item("fbtrace_id", p.trace_id.as_deref())?;
        kwargs.set_item("details", p.details.as_deref())?;
        kwargs.set_item("http_status", p.http_status)?;
    }
    kwargs.set_item("violations", to_python(py, &e.violations())?)?;
    let instance = class.call((e.to_string(),), Some(&kwargs))?;
    Ok(PyErr::from_value(instance))
}

/// Converts a Switchboard error into the matching `switchboard.Error` subclass.
fn py_err(e: switchboard::Error) -> PyErr {
    Python::attach(|py| build_exception(py, &e).unwrap_or_else(|failure| failure))
}

/// A serde value as plain Python data (dicts, lists, str, int, float, bool, None).
fn to_python<T: Serialize + ?Sized>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    let text = serde_json::to_string(value)
        .map_err(|e| PyValueError::new_err(format!("cannot convert to Python: {e}")))?;
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}

/// The cache of Python logger levels the `tracing` bridge reads.
static LOGGING: OnceLock<pyo3_log::ResetHandle> = OnceLock::new();

/// `pyo3-log`'s logger, counted as Python work: at exit a record is
/// dropped rather than attached to a finalizing interpreter.
struct GuardedLogger(pyo3_log::Logger);

impl log::Log for GuardedLogger {
    fn enabled(&self, metadata: &log::Metadata<'_>) -> bool {
        PythonWork::begin().is_some_and(|_work| self.0.enabled(metadata))
    }

    fn log(&self, record: &log::Record<'_>) {
        if let Some(_work) = PythonWork::begin() {
            self.0.log(record);
        }
    }

    fn flush(&self) {}
}

fn install_logging(py: Python<'_>) {
    let logger = pyo3_log::Logger::new(py, pyo3_log::Caching::LoggersAndLevels);
    let Ok(logger) = logger else { return };
    let reset = logger.reset_handle();
    if log::set_boxed_logger(Box::new(GuardedLogger(logger))).is_ok() {
        // Trace records (every frame of hyper and h2) are never forwarded.
        log::set_max_level(log::LevelFilter::Debug);
        let _ = LOGGING.set(reset);
    }
}

/// Re-reads the Python loggers' levels (call after changing them).
#[pyfunction(name = "refresh_logging")]
fn refresh_logging() {
    if let Some(reset) = LOGGING.get() {
        reset.reset();
    }
}

/// A webhook handler's exception, to the ``switchboard.webhook`` logger
/// (with its traceback) rather than bare stderr.
fn log_handler_error(py: Python<'_>, error: &PyErr) {
    let logged = (|| -> PyResult<()> {
        let logger = py
            .import("logging")?
            .call_method1("getLogger", ("switchboard.webhook",))?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("exc_info", error.value(py))?;
        logger.call_method("error", ("the webhook handler raised",), Some(&kwargs))?;
        Ok(())
    })();
    if logged.is_err() {
        error.print(py);
    }
}

/// Runs what an ``async def`` handler returned (its coroutine) to the end,
/// on an event loop of this handler thread; anything else is done already.
fn run_if_coroutine(py: Python<'_>, returned: Py<PyAny>) -> PyResult<()> {
    let inspect = py.import("inspect")?;
    if inspect
        .call_method1("iscoroutine", (returned.bind(py),))?
        .is_truthy()?
    {
        py.import("asyncio")?.call_method1("run", (returned,))?;
    }
    Ok(())
}

/// A string as Python's `repr` writes it (single quotes).
fn py_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// Plain Python data as a serde value. Data that does not fit raises the
/// `switchboard` error naming the field: `ConfigError` for settings, else
/// `ValidationError` (a NaN, an infinity, a string where a number belongs…).
fn from_python<T: DeserializeOwned>(
    py: Python<'_>,
    value: &Bound<'_, PyAny>,
    what: &str,
) -> PyResult<T> {
    let refuse = |field: String, reason: String| {
        let field = if field.is_empty() || field == "." {
            what.to_string()
        } else if what == "settings" {
            field
        } else {
            format!("{what}.{field}")
        };
        if what == "settings" {
            let message = format!("invalid setting `{field}`: {reason}");
            return py_err(switchboard::Error::config(message));
        }
        let problem = switchboard::plugin::Problem::Invalid { reason };
        py_err(switchboard::Error::invalid(vec![
            switchboard::Violation::new(field, problem),
        ]))
    };
    if let Some((field, number)) = non_finite(value, String::new())? {
        return Err(refuse(
            field,
            format!("must be a finite number, got {number}"),
        ));
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("allow_nan", false)?;
    let text: String = py
        .import("json")?
        .call_method("dumps", (value,), Some(&kwargs))
        .map_err(|e| refuse(String::new(), format!("must be plain JSON-like data: {e}")))?
        .extract()?;
    let mut json = serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(&mut json).map_err(|e| {
        let field = e.path().to_string();
        let reason = e.into_inner().to_string();
        // The position is in the JSON text made here, not in the caller's data.
        let reason = match reason.rsplit_once(" at line ") {
            Some((message, _)) => message.to_string(),
            None => reason,
        };
        refuse(field, reason)
    })
}

/// The path of the first NaN or infinity in plain Python data, and its value.
fn non_finite(value: &Bound<'_, PyAny>, path: String) -> PyResult<Option<(String, f64)>> {
    let join = |key: String| {
        if path.is_empty() {
            key
        } else {
            format!("{path}.{key}")
        }
    };
    if let Ok(number) = value.cast::<pyo3::types::PyFloat>() {
        let number = number.value();
        return Ok((!number.is_finite()).then(|| (path.clone(), number)));
    }
    if let Ok(dict) = value.cast::<PyDict>() {
        for (key, item) in dict.iter() {
            if let Some(found) = non_finite(&item, join(key.str()?.to_string()))? {
                return Ok(Some(found));
            }
        }
    } else if value.is_instance_of::<pyo3::types::PyList>()
        || value.is_instance_of::<pyo3::types::PyTuple>()
    {
        for (i, item) in value.try_iter()?.enumerate() {
            if let Some(found) = non_finite(&item?, join(i.to_string()))? {
                return Ok(Some(found));
            }
        }
    }
    Ok(None)
}

/// Who receives a message: an id and what kind of id it is.
///
/// Build one with a constructor named after the kind, e.g.
/// ``Recipient.phone_number("+16505551234")`` or ``Recipient.user_id(psid)``.
#[pyclass(module = "switchboard", name = "Recipient", frozen, eq)]
#[derive(Clone, PartialEq)]
struct PyRecipient {
    inner: Recipient,
}

#[pymethods]
impl PyRecipient {
    /// Recipient(kind, id): kind is one of "user_id", "phone_number",
    /// "user_ref", "comment_id", "post_id", "group".
    #[new]
    fn new(py: Python<'_>, kind: &Bound<'_, PyAny>, id: String) -> PyResult<Self> {
        let kind = from_python(py, kind, "recipient kind")?;
        Ok(PyRecipient {
            inner: Recipient::new(kind, id),
        })
    }

    /// A phone number in international format (WhatsApp, Messenger customer matching).
    #[staticmethod]
    fn phone_number(number: String) -> Self {
        PyRecipient {
            inner: Recipient::phone_number(number),
        }
    }

    /// The platform's user id: a Messenger PSID or a WhatsApp id.
    #[staticmethod]
    fn user_id(id: String) -> Self {
        PyRecipient {
            inner: Recipient::user_id(id),
        }
    }

    /// A Messenger ``user_ref`` (checkbox or chat plugin).
    #[staticmethod]
    fn user_ref(user_ref: String) -> Self {
        PyRecipient {
            inner: Recipient::user_ref(user_ref),
        }
    }

    /// A comment to answer with a private reply (Messenger).
    #[staticmethod]
    fn comment_id(id: String) -> Self {
        PyRecipient {
            inner: Recipient::comment_id(id),
        }
    }

    /// A visitor post to answer with a private reply (Messenger).
    #[staticmethod]
    fn post_id(id: String) -> Self {
        PyRecipient {
            inner: Recipient::post_id(id),
        }
    }

    /// A WhatsApp group id.
    #[staticmethod]
    fn group(id: String) -> Self {
        PyRecipient {
            inner: Recipient::group(id),
        }
    }

    /// The kind of id ("phone_number", "user_id", …).
    #[getter]
    fn kind(&self) -> &'static str {
        self.inner.kind.as_str()
    }

    /// The id itself.
    #[getter]
    fn id(&self) -> &str {
        &self.inner.id
    }

    fn __repr__(&self) -> String {
        format!("Recipient.{}({:?})", self.inner.kind, self.inner.id)
    }
}

/// A message to one recipient: who, what, and per-message options.
///
/// Build one with ``Message.text(to, body, ...)``, or from a plain dict with
/// ``Message.from_dict(...)``; ``to_dict()`` gives the dict back.
#[pyclass(module = "switchboard", name = "Message", frozen)]
#[derive(Clone)]
struct PyMessage {
    inner: Message,
}

fn content_from(py: Python<'_>, content: &Bound<'_, PyAny>) -> PyResult<switchboard::Content> {
    let data = if content.hasattr("to_dict")? {
        content.call_method0("to_dict")?
    } else {
        content.clone()
    };
    from_python(py, &data, "content").map_err(|e| precise_content_error(py, &data).unwrap_or(e))
}

/// The content's error naming the field inside it: serde reports errors in
/// an internally tagged enum at the enum itself (`content`), so the
/// variant's own type is decoded again to find the path.
fn precise_content_error(py: Python<'_>, data: &Bound<'_, PyAny>) -> Option<PyErr> {
    use serde_json::Value;
    fn probe<T: DeserializeOwned>(value: &Value) -> Option<(String, String)> {
        serde_path_to_error::deserialize::<_, T>(value)
            .err()
            .map(|e| (e.path().to_string(), e.into_inner().to_string()))
    }
    let value: Value = from_python(py, data, "content").ok()?;
    let mut object = value.as_object()?.clone();
    let kind = object.remove("type")?;
    let inner = Value::Object(object);
    let (path, reason) = match kind.as_str()? {
        "text" => probe::<switchboard::Text>(&inner),
        "media" => probe::<switchboard::Media>(&inner),
        "location" => probe::<switchboard::Location>(&inner),
        "contacts" => probe::<switchboard::Contacts>(&inner),
        "reaction" => probe::<switchboard::Reaction>(&inner),
        "reply_buttons" => probe::<switchboard::ReplyButtons>(&inner),
        "choice_list" => probe::<switchboard::ChoiceList>(&inner),
        "sender_action" => probe::<switchboard::SenderAction>(&inner),
        _ => None,
    }?;
    let field = if path.is_empty() || path == "." {
        "content".to_string()
    } else {
        format!("content.{path}")
    };
    let problem = switchboard::plugin::Problem::Invalid { reason };
    Some(py_err(switchboard::Error::invalid(vec![
        switchboard::Violation::new(field, problem),
    ])))
}

#[pymethods]
impl PyMessage {
    /// Message(to, content, *, reply_to=None, idempotency_key=None,
    /// callback_data=None, notification=None, options=())
    ///
    /// ``content`` is a content object (``switchboard.content``,
    /// ``switchboard.whatsapp``, ``switchboard.messenger``) or its dict form;
    /// ``notification`` is "regular", "silent" or "none"; ``options`` are
    /// channel option objects such as ``switchboard.whatsapp.Options``.
    #[new]
    #[pyo3(signature = (to, content, *, reply_to=None, idempotency_key=None, callback_data=None, notification=None, options=None))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        to: PyRef<'_, PyRecipient>,
        content: &Bound<'_, PyAny>,
        reply_to: Option<String>,
        idempotency_key: Option<String>,
        callback_data: Option<String>,
        notification: Option<&Bound<'_, PyAny>>,
        options: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Self> {
        let mut m = Message::new(to.inner.clone(), content_from(py, content)?);
        m.options.reply_to = reply_to;
        m.options.idempotency_key = idempotency_key;
        m.options.callback_data = callback_data;
        if let Some(n) = notification {
            m.options.notification = Some(from_python(py, n, "notification")?);
        }
        if let Some(options) = options {
            for o in options.try_iter()? {
                let o = o?;
                let data = if o.hasattr("to_extension")? {
                    o.call_method0("to_extension")?
                } else {
                    o
                };
                m.extensions
                    .insert_data(from_python::<switchboard::plugin::ChannelData>(
                        py, &data, "option",
                    )?);
            }
        }
        Ok(PyMessage { inner: m })
    }

    /// A text message.
    ///
    /// Args:
    ///     to: the Recipient.
    ///     body: the text.
    ///     preview_url: render a preview of the first link (platform default when None).
    ///     reply_to: the platform id of the message this one quotes.
    ///     idempotency_key: a key the delivery layers use to never send twice.
    ///     callback_data: opaque data echoed in status webhooks.
    #[staticmethod]
    #[pyo3(signature = (to, body, *, preview_url=None, reply_to=None, idempotency_key=None, callback_data=None))]
    fn text(
        to: PyRef<'_, PyRecipient>,
        body: String,
        preview_url: Option<bool>,
        reply_to: Option<String>,
        idempotency_key: Option<String>,
        callback_data: Option<String>,
    ) -> Self {
        let mut text = Text::new(body);
        text.preview_url = preview_url;
        let mut m = Message::new(to.inner.clone(), text);
        m.options.reply_to = reply_to;
        m.options.idempotency_key = idempotency_key;
        m.options.callback_data = callback_data;
        PyMessage { inner: m }
    }

    /// A message from its dict form (the shape ``to_dict()`` returns).
    #[staticmethod]
    fn from_dict(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyMessage {
            inner: from_python(py, data, "message")?,
        })
    }

    /// The message as plain Python data, for logging or storage.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_python(py, &self.inner)
    }

    /// The recipient.
    #[getter]
    fn to(&self) -> PyRecipient {
        PyRecipient {
            inner: self.inner.to.clone(),
        }
    }

    /// The content kind ("text", "media", …).
    #[getter]
    fn content_type(&self) -> &'static str {
        self.inner.content.kind().as_str()
    }

    fn __eq__(&self, other: PyRef<'_, PyMessage>) -> bool {
        self.inner == other.inner
    }

    fn __repr__(&self) -> String {
        format!(
            "<Message {} to {}:{}>",
            self.inner.content.kind(),
            self.inner.to.kind,
            self.inner.to.id
        )
    }
}

/// The platform's acknowledgement of a sent message (accepted, not yet delivered).
#[pyclass(module = "switchboard", name = "Receipt", frozen, eq)]
#[derive(Clone, PartialEq)]
struct PyReceipt {
    inner: Receipt,
}

#[pymethods]
impl PyReceipt {
    /// The channel instance that sent the message.
    #[getter]
    fn channel(&self) -> &str {
        &self.inner.channel
    }

    /// The platform's message id ("wamid.…", "m_…").
    #[getter]
    fn message_id(&self) -> &str {
        &self.inner.message_id
    }

    /// The recipient's platform id, when the platform returned one.
    #[getter]
    fn recipient_id(&self) -> Option<&str> {
        self.inner.recipient_id.as_deref()
    }

    /// "accepted", "held_for_quality_assessment" or "paused".
    #[getter]
    fn status(&self) -> &'static str {
        self.inner.status.as_str()
    }

    /// The receipt as a plain dict.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        to_python(py, &self.inner)
    }

    /// A receipt from its dict form.
    #[staticmethod]
    fn from_dict(py: Python<'_>, data: &Bound<'_, PyAny>) -> PyResult<Self> {
        Ok(PyReceipt {
            inner: from_python(py, data, "receipt")?,
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "Receipt(channel={}, message_id={}, recipient_id={}, status={})",
            py_str(&self.inner.channel),
            py_str(&self.inner.message_id),
            self.inner
                .recipient_id
                .as_deref()
                .map_or("None".into(), py_str),
            py_str(self.inner.status.as_str())
        )
    }
}

/// How often a blocking send looks for signals (Ctrl-C) while it waits.
const SIGNAL_CHECK: Duration = Duration::from_millis(50);

/// Sends without holding the GIL, looking for signals every
/// [`SIGNAL_CHECK`]: Ctrl-C interrupts the wait (the send is cancelled; as
/// with any cancelled send, the platform may still have taken it).
fn send_blocking(
    py: Python<'_>,
    channel: Arc<dyn Channel>,
    message: Message,
) -> PyResult<PyReceipt> {
    let inner = run_blocking(py, async move { channel.send(&message).await })?;
    Ok(PyReceipt { inner })
}

/// Runs `work` on the process runtime without the GIL; Ctrl-C aborts it.
fn run_blocking<T: Send + 'static>(
    py: Python<'_>,
    work: impl std::future::Future<Output = Result<T, switchboard::Error>> + Send + 'static,
) -> PyResult<T> {
    let rt = runtime()?;
    let mut task = rt.spawn(work);
    loop {
        let waited = py
            .detach(|| rt.block_on(async { tokio::time::timeout(SIGNAL_CHECK, &mut task).await }));
        match waited {
            Ok(Ok(result)) => return result.map_err(py_err),
            Ok(Err(join)) => {
                return Err(PyRuntimeError::new_err(format!(
                    "the send task failed: {join}"
                )))
            }
            Err(_) => {
                if let Err(interrupted) = py.check_signals() {
                    task.abort();
                    return Err(interrupted);
                }
            }
        }
    }
}

fn send_awaitable<'py>(
    py: Python<'py>,
    channel: Arc<dyn Channel>,
    message: Message,
) -> PyResult<Bound<'py, PyAny>> {
    awaitable(py, async move {
        channel
            .send(&message)
            .await
            .map(|inner| PyReceipt { inner })
            .map_err(py_err)
    })
}

/// A configured channel: one account on one platform.
///
/// ``send(message)`` blocks (releasing the GIL); ``await send_async(message)``
/// runs on asyncio. Both raise a ``switchboard.Error`` subclass on failure.
#[pyclass(module = "switchboard", name = "Channel", subclass, frozen)]
struct PyChannel {
    inner: Arc<dyn Channel>,
    /// The stack `with_delivery` built on this channel, with its settings:
    /// one per channel, so that its wrappers share keys and rate limits.
    delivered: Arc<Mutex<Option<DeliveryStack>>>,
    /// Set by `close()`: sends are refused from then on.
    closed: std::sync::atomic::AtomicBool,
}

/// A delivery stack and the settings it was built with.
type DeliveryStack = (String, Arc<dyn Channel>);

impl PyChannel {
    fn new(inner: Arc<dyn Channel>) -> Self {
        PyChannel {
            inner,
            delivered: Arc::default(),
            closed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// ``to`` as a Recipient: one already, or a str of the channel's first
    /// recipient kind.
    fn recipient(&self, to: &Bound<'_, PyAny>) -> PyResult<Recipient> {
        if let Ok(r) = to.cast::<PyRecipient>() {
            return Ok(r.borrow().inner.clone());
        }
        let id: String = to.extract().map_err(|_| {
            py_err(switchboard::Error::invalid(vec![
                switchboard::Violation::new(
                    "to",
                    switchboard::plugin::Problem::Invalid {
                        reason: "a Recipient or a str".into(),
                    },
                ),
            ]))
        })?;
        let info = self.inner.info();
        let kind = info
            .capabilities
            .recipient_kinds
            .first()
            .copied()
            .ok_or_else(|| {
                py_err(switchboard::Error::config(format!(
                    "{} declares no recipient kind: give a Recipient",
                    info.name
                )))
            })?;
        Ok(Recipient::new(kind, id))
    }

    /// The channel to send through, unless it was closed.
    fn open_channel(&self) -> PyResult<Arc<dyn Channel>> {
        if self.closed.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(py_err(
                switchboard::Error::config("this channel was closed")
                    .with_channel(&self.inner.info().name),
            ));
        }
        Ok(self.inner.clone())
    }
}

#[pymethods]
impl PyChannel {
    /// The instance name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.info().name
    }

    /// Opens a channel of ``platform`` — any channel plugin linked into the
    /// module — with the plugin's settings as keywords (``None`` values are
    /// left out); ``name`` defaults to the platform. Secrets may be written
    /// ``"env:VARIABLE"``. Raises ``ConfigError`` naming a wrong or missing
    /// setting and listing the accepted ones.
    ///
    ///     wa = Channel.open('whatsapp', access_token='env:WHATSAPP_TOKEN', phone_number_id='1065…')
    #[staticmethod]
    #[pyo3(signature = (platform, *, name=None, **settings))]
    fn open(
        py: Python<'_>,
        platform: &str,
        name: Option<&str>,
        settings: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyChannel> {
        let table = settings_table(py, settings)?;
        let config =
            switchboard::plugin::ChannelConfig::new(name.unwrap_or(platform), platform, table);
        let channel = registry()?.build(&config).map_err(py_err)?;
        Ok(PyChannel::new(channel))
    }

    /// The platform (the channel plugin's name).
    #[getter]
    fn platform(&self) -> &str {
        &self.inner.info().platform
    }

    /// The account the channel sends from (phone number id, page id).
    #[getter]
    fn account(&self) -> &str {
        &self.inner.info().account
    }

    /// Name, platform, account and capabilities as a dict.
    fn info(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let mut info = serde_json::to_value(self.inner.info())
            .map_err(|e| PyValueError::new_err(e.to_string()))?;
        // Durations in seconds, as Python counts them (not serde's {secs, nanos}).
        if let Some(caps) = info.get_mut("capabilities").and_then(|c| c.as_object_mut()) {
            for value in caps.values_mut() {
                if let (Some(secs), Some(nanos)) = (
                    value.get("secs").and_then(serde_json::Value::as_u64),
                    value.get("nanos").and_then(serde_json::Value::as_u64),
                ) {
                    *value = serde_json::json!(secs as f64 + nanos as f64 / 1e9);
                }
            }
        }
        to_python(py, &info)
    }

    /// Checks every rule of the platform without sending; raises
    /// ``ValidationError`` (with ``.violations``) or ``UnsupportedError``.
    fn validate(&self, message: PyRef<'_, PyMessage>) -> PyResult<()> {
        self.inner.validate(&message.inner).map_err(py_err)
    }

    /// Sends a message and returns its Receipt (blocking; the GIL is released).
    fn send(&self, py: Python<'_>, message: PyRef<'_, PyMessage>) -> PyResult<PyReceipt> {
        send_blocking(py, self.open_channel()?, message.inner.clone())
    }

    /// Sends a message; returns an awaitable resolving to its Receipt.
    fn send_async<'py>(
        &self,
        py: Python<'py>,
        message: PyRef<'_, PyMessage>,
    ) -> PyResult<Bound<'py, PyAny>> {
        send_awaitable(py, self.open_channel()?, message.inner.clone())
    }

    /// This channel behind the delivery layers: the platform's documented
    /// rate limits (or ``messages_per_second``), retries of temporary
    /// failures (``max_attempts``; ambiguous ones only with
    /// ``retry_ambiguous``), idempotency keys, a per-attempt ``timeout``.
    /// A channel has one such stack: calling this again with the same
    /// settings returns a channel sharing its keys and rate limits; other
    /// settings, or a channel that already has a stack, raise ``ConfigError``.
    #[pyo3(signature = (*, messages_per_second=None, max_attempts=None, retry_ambiguous=false, timeout=None, concurrency=None))]
    fn with_delivery(
        &self,
        messages_per_second: Option<u32>,
        max_attempts: Option<u32>,
        retry_ambiguous: bool,
        timeout: Option<f64>,
        concurrency: Option<usize>,
    ) -> PyResult<PyChannel> {
        let mut settings = switchboard::delivery::DeliverySettings::default();
        settings.messages_per_second = messages_per_second;
        settings.max_attempts = max_attempts;
        settings.retry_ambiguous = Some(retry_ambiguous);
        settings.timeout_secs = timeout;
        settings.concurrency = concurrency;
        if self.inner.honours_idempotency_keys() {
            return Err(py_err(switchboard::Error::config(
                "this channel already sends through a delivery stack; a second one would \
                 keep its own idempotency keys and rate limits",
            )));
        }
        let wanted = format!("{settings:?}");
        let mut slot = self
            .delivered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        match &*slot {
            Some((had, stack)) if *had == wanted => Ok(PyChannel::new(stack.clone())),
            Some(_) => Err(py_err(switchboard::Error::config(
                "with_delivery() was already called on this channel with other settings; \
                 one channel has one delivery stack, so that idempotency keys and rate limits \
                 hold across it: reuse the channel that call returned",
            ))),
            None => {
                let stack = settings.apply(self.inner.clone()).map_err(py_err)?;
                *slot = Some((wanted, stack.clone()));
                Ok(PyChannel::new(stack))
            }
        }
    }

    /// Sends ``text`` to ``to`` (a Recipient, or a str of the channel's
    /// first recipient kind: a phone number on WhatsApp, a chat id on
    /// Telegram…). Blocking.
    #[pyo3(signature = (to, text, *, reply_to=None, preview_url=None))]
    fn send_text(
        &self,
        py: Python<'_>,
        to: &Bound<'_, PyAny>,
        text: String,
        reply_to: Option<String>,
        preview_url: Option<bool>,
    ) -> PyResult<PyReceipt> {
        let mut body = Text::new(text);
        body.preview_url = preview_url;
        let mut message = Message::new(self.recipient(to)?, body);
        message.options.reply_to = reply_to;
        send_blocking(py, self.open_channel()?, message)
    }

    /// Reacts to the message ``message_id`` of ``to`` with ``emoji`` ("" removes it). Blocking.
    fn react(
        &self,
        py: Python<'_>,
        to: &Bound<'_, PyAny>,
        message_id: String,
        emoji: String,
    ) -> PyResult<PyReceipt> {
        let reaction = switchboard::Reaction::new(message_id, emoji);
        let message = Message::new(self.recipient(to)?, reaction);
        send_blocking(py, self.open_channel()?, message)
    }

    /// Marks the message ``message_id`` from ``to`` as read. Blocking.
    fn mark_as_read(
        &self,
        py: Python<'_>,
        to: &Bound<'_, PyAny>,
        message_id: String,
    ) -> PyResult<PyReceipt> {
        let seen = switchboard::SenderAction::mark_seen(message_id);
        let message = Message::new(self.recipient(to)?, seen);
        send_blocking(py, self.open_channel()?, message)
    }

    /// Shows the typing indicator to ``to`` (WhatsApp needs the
    /// ``message_id`` being answered). Blocking.
    #[pyo3(signature = (to, message_id=None))]
    fn typing(
        &self,
        py: Python<'_>,
        to: &Bound<'_, PyAny>,
        message_id: Option<String>,
    ) -> PyResult<PyReceipt> {
        let mut action = switchboard::SenderAction::typing_on();
        action.message_id = message_id;
        let message = Message::new(self.recipient(to)?, action);
        send_blocking(py, self.open_channel()?, message)
    }

    /// Refuses further sends through this object (``ConfigError``); the
    /// connections close when the last channel sharing them goes.
    fn close(&self) {
        self.closed.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __exit__(
        &self,
        _kind: Option<&Bound<'_, PyAny>>,
        _value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> bool {
        self.close();
        false
    }

    fn __repr__(&self) -> String {
        let i = self.inner.info();
        let delivery = if self.inner.honours_idempotency_keys() {
            "delivery stack"
        } else {
            "no delivery stack: with_delivery() adds pacing, retries and keys"
        };
        format!(
            "<Channel {} ({}) account={}; {delivery}>",
            i.name, i.platform, i.account
        )
    }
}

fn secret(value: &str) -> PyResult<Secret> {
    Secret::resolve(value).map_err(|e| py_err(switchboard::Error::config(e)))
}

fn failure(
    code: Option<i64>,
    subcode: Option<i64>,
    status: Option<u16>,
    hang: Option<f64>,
    delivery_failed: Option<i64>,
) -> PyResult<Failure> {
    match (code, status, hang, delivery_failed) {
        (Some(code), None, None, None) => Ok(Failure::Platform { code, subcode }),
        (None, Some(status), None, None) if (100..=599).contains(&status) => {
            Ok(Failure::Status(status))
        }
        (None, Some(status), None, None) => Err(PyValueError::new_err(format!(
            "status must be an HTTP status (100-599), got {status}"
        ))),
        (None, None, Some(seconds), None) => Ok(Failure::Hang(duration(seconds)?)),
        (None, None, None, Some(code)) => Ok(Failure::DeliveryFailed { code }),
        _ => Err(PyValueError::new_err(
            "give exactly one of code= (a platform error), status= (an HTTP status), \
             hang= (seconds) or delivery_failed= (a code)",
        )),
    }
}

/// Keyword settings as a TOML table, leaving out `None` values.
fn settings_table(py: Python<'_>, settings: Option<&Bound<'_, PyDict>>) -> PyResult<toml::Table> {
    let given = PyDict::new(py);
    if let Some(settings) = settings {
        for (k, v) in settings.iter() {
            if !v.is_none() {
                given.set_item(k, v)?;
            }
        }
    }
    from_python(py, given.as_any(), "settings")
}

/// Where a webhook server mounts its endpoint: `None` for the root `/`,
/// else the path (`/hooks`, `/webhooks/whatsapp`); anything else is a
/// `ConfigError` rather than a panic in the router.
fn webhook_path(path: &str) -> PyResult<Option<&str>> {
    if path == "/" {
        return Ok(None);
    }
    let valid = path.starts_with('/')
        && !path.ends_with('/')
        && !path.contains("//")
        && path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-_.~".contains(c));
    if valid {
        Ok(Some(path))
    } else {
        Err(py_err(switchboard::Error::config(format!(
            "path must be / or start with / and name a path such as /webhook (letters, digits, - _ . ~), got {path:?}"
        ))))
    }
}

/// The channel plugins linked into this module.
fn registry() -> PyResult<&'static switchboard::Registry> {
    static REGISTRY: OnceLock<Result<switchboard::Registry, switchboard::Error>> = OnceLock::new();
    REGISTRY
        .get_or_init(switchboard::Registry::discover)
        .as_ref()
        .map_err(|e| py_err(switchboard::Error::config(e.to_string())))
}

fn duration(seconds: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(seconds).map_err(|_| {
        PyValueError::new_err(format!("timeout must be positive seconds, got {seconds}"))
    })
}

/// Named channels built from a TOML configuration.
///
/// Each ``[channels.NAME]`` table has ``type`` (the platform; defaults to
/// NAME) and the platform's settings; secrets are written ``"env:VARIABLE"``.
#[pyclass(module = "switchboard", name = "Switchboard", frozen)]
struct PySwitchboard {
    inner: switchboard::Switchboard,
    /// Set by `close()`: sends are refused from then on.
    closed: std::sync::atomic::AtomicBool,
}

impl PySwitchboard {
    fn new(inner: switchboard::Switchboard) -> Self {
        PySwitchboard {
            inner,
            closed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// The switchboard to send through, unless it was closed.
    fn live(&self) -> PyResult<switchboard::Switchboard> {
        if self.closed.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(py_err(switchboard::Error::config(
                "this switchboard was closed",
            )));
        }
        Ok(self.inner.clone())
    }
}

#[pymethods]
impl PySwitchboard {
    /// Reads a TOML file and builds every channel it names.
    #[staticmethod]
    fn from_config(path: std::path::PathBuf) -> PyResult<Self> {
        Ok(PySwitchboard::new(
            switchboard::Switchboard::from_config(path).map_err(py_err)?,
        ))
    }

    /// Builds every channel of a TOML text.
    #[staticmethod]
    fn from_toml(text: &str) -> PyResult<Self> {
        Ok(PySwitchboard::new(
            switchboard::Switchboard::from_toml_str(text).map_err(py_err)?,
        ))
    }

    /// The names of the configured channels.
    fn names(&self) -> Vec<String> {
        self.inner.names().into_iter().map(String::from).collect()
    }

    /// The channel called ``name``; raises ConfigError listing the configured ones.
    fn channel(&self, name: &str) -> PyResult<PyChannel> {
        Ok(PyChannel::new(
            self.inner.channel(name).map_err(py_err)?.clone(),
        ))
    }

    /// Sends ``message`` through the channel called ``channel`` (blocking).
    fn send(
        &self,
        py: Python<'_>,
        channel: &str,
        message: PyRef<'_, PyMessage>,
    ) -> PyResult<PyReceipt> {
        let ch = self.live()?.channel(channel).map_err(py_err)?.clone();
        send_blocking(py, ch, message.inner.clone())
    }

    /// Sends ``message`` through the channel called ``channel``; awaitable.
    fn send_async<'py>(
        &self,
        py: Python<'py>,
        channel: &str,
        message: PyRef<'_, PyMessage>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let ch = self.live()?.channel(channel).map_err(py_err)?.clone();
        send_awaitable(py, ch, message.inner.clone())
    }

    /// Adds (or moves) the customer ``customer``'s address on ``platform``.
    fn link_customer(
        &self,
        customer: &str,
        platform: &str,
        recipient: PyRef<'_, PyRecipient>,
    ) -> PyResult<()> {
        use switchboard::compose::Directory;
        self.inner
            .customers()
            .link(customer, platform, recipient.inner.clone())
            .map_err(py_err)
    }

    /// The customer ``customer`` and their addresses, or None.
    fn customer(&self, py: Python<'_>, customer: &str) -> PyResult<Py<PyAny>> {
        use switchboard::compose::Directory;
        let found = self.inner.customers().customer(customer).map_err(py_err)?;
        to_python(py, &found)
    }

    /// Learns from an inbound event (a dict of ``parse_webhook``): its
    /// sender's window opens, and an unknown sender becomes a customer.
    fn observe(&self, py: Python<'_>, event: &Bound<'_, PyAny>) -> PyResult<()> {
        use switchboard::compose::Directory;
        let event: switchboard::webhook::Event = from_python(py, event, "event")?;
        self.inner.window_tracker().observe(&event);
        self.inner.customers().observe(&event).map_err(py_err)
    }

    /// Sends ``message`` along the route ``route`` (a ``[routes.NAME]``
    /// table): failover by its policy. Blocking.
    fn send_routed(
        &self,
        py: Python<'_>,
        route: &str,
        message: PyRef<'_, PyMessage>,
    ) -> PyResult<PyRoutedReceipt> {
        let board = self.live()?;
        let (route, message) = (route.to_string(), message.inner.clone());
        let sent = run_blocking(py, async move { board.send_routed(&route, &message).await })?;
        PyRoutedReceipt::new(py, sent)
    }

    /// Sends ``message`` along the route of the first ``[[rules]]`` entry
    /// it matches (phone prefix, recipient kind, or ``tag``). Blocking.
    #[pyo3(signature = (message, tag=None))]
    fn send_by_rules(
        &self,
        py: Python<'_>,
        message: PyRef<'_, PyMessage>,
        tag: Option<String>,
    ) -> PyResult<PyRoutedReceipt> {
        let board = self.live()?;
        let message = message.inner.clone();
        let sent = run_blocking(py, async move {
            board.send_by_rules(&message, tag.as_deref()).await
        })?;
        PyRoutedReceipt::new(py, sent)
    }

    /// Sends ``content`` to the customer ``customer`` along the route
    /// ``route``: where they have an address, open windows first. Blocking.
    fn send_to_customer(
        &self,
        py: Python<'_>,
        route: &str,
        customer: &str,
        content: &Bound<'_, PyAny>,
    ) -> PyResult<PyRoutedReceipt> {
        let board = self.live()?;
        let content = content_from(py, content)?;
        let (route, customer) = (route.to_string(), customer.to_string());
        let sent = run_blocking(py, async move {
            board.send_to_customer(&route, &customer, content).await
        })?;
        PyRoutedReceipt::new(py, sent)
    }

    /// Sends ``content`` to the customer over each of the named channels on
    /// which they have an address, at once: a list of ``(channel, Receipt
    /// or Error)``, in order. Blocking.
    fn broadcast_to_customer(
        &self,
        py: Python<'_>,
        channels: Vec<String>,
        customer: &str,
        content: &Bound<'_, PyAny>,
    ) -> PyResult<Vec<(String, Py<PyAny>)>> {
        let board = self.live()?;
        let content = content_from(py, content)?;
        let customer = customer.to_string();
        let results = run_blocking(py, async move {
            let channels = channels
                .iter()
                .map(|name| board.channel(name).cloned())
                .collect::<Result<Vec<_>, _>>()?;
            switchboard::compose::broadcast_to_customer(
                &channels,
                board.customers().as_ref(),
                &customer,
                &content,
            )
            .await
        })?;
        results
            .into_iter()
            .map(|(name, result)| {
                let value = match result {
                    Ok(inner) => Py::new(py, PyReceipt { inner })?.into_any(),
                    Err(e) => py_err(e).into_value(py).into_any(),
                };
                Ok((name, value))
            })
            .collect()
    }

    /// Refuses further sends through this object (``ConfigError``).
    fn close(&self) {
        self.closed.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __exit__(
        &self,
        _kind: Option<&Bound<'_, PyAny>>,
        _value: Option<&Bound<'_, PyAny>>,
        _traceback: Option<&Bound<'_, PyAny>>,
    ) -> bool {
        self.close();
        false
    }

    fn __repr__(&self) -> String {
        format!("<Switchboard channels={:?}>", self.inner.names())
    }
}

/// The channel sets of many tenants, built from each one's configuration
/// the first time it is used::
///
///     tenants = Tenants(lambda tenant: load_toml_for(tenant))  # None: unknown
///     tenants.send("acme", "support", message)
#[pyclass(module = "switchboard", name = "Tenants", frozen)]
struct PyTenants {
    inner: Arc<switchboard::compose::Tenants>,
}

#[pymethods]
impl PyTenants {
    /// ``configs(tenant)`` returns the tenant's TOML configuration, or None
    /// for an unknown tenant.
    #[new]
    fn new(configs: Py<PyAny>) -> Self {
        let provider = move |tenant: &str| -> Result<Option<String>, switchboard::Error> {
            Python::attach(|py| {
                configs
                    .call1(py, (tenant,))
                    .and_then(|v| v.extract::<Option<String>>(py))
                    .map_err(|e| {
                        switchboard::Error::config(format!(
                            "the configuration of tenant `{tenant}` could not be read: {e}"
                        ))
                    })
            })
        };
        PyTenants {
            inner: Arc::new(switchboard::compose::Tenants::new(provider)),
        }
    }

    /// The channels of ``tenant`` (a Switchboard), built on first use.
    fn get(&self, py: Python<'_>, tenant: &str) -> PyResult<PySwitchboard> {
        let inner = py.detach(|| self.inner.get(tenant)).map_err(py_err)?;
        Ok(PySwitchboard::new((*inner).clone()))
    }

    /// Sends ``message`` through ``tenant``'s channel ``channel``. Blocking.
    fn send(
        &self,
        py: Python<'_>,
        tenant: &str,
        channel: &str,
        message: PyRef<'_, PyMessage>,
    ) -> PyResult<PyReceipt> {
        let tenants = self.inner.clone();
        let (tenant, channel, message) = (
            tenant.to_string(),
            channel.to_string(),
            message.inner.clone(),
        );
        let inner = run_blocking(py, async move {
            let board = tenants.get(&tenant)?;
            board.send(&channel, &message).await
        })?;
        Ok(PyReceipt { inner })
    }

    /// Drops ``tenant``'s channels: the next use rebuilds them.
    fn forget(&self, tenant: &str) {
        self.inner.forget(tenant);
    }

    /// How many tenants are built.
    fn built(&self) -> usize {
        self.inner.built()
    }
}

/// What a routed send did: the delivering channel's receipt, and every
/// attempt on the way (dicts: channel, account, action, error, error_kind).
#[pyclass(module = "switchboard", name = "RoutedReceipt", frozen)]
struct PyRoutedReceipt {
    #[pyo3(get)]
    receipt: Py<PyReceipt>,
    #[pyo3(get)]
    account: String,
    #[pyo3(get)]
    attempts: Py<PyAny>,
}

impl PyRoutedReceipt {
    fn new(py: Python<'_>, sent: switchboard::compose::RoutedReceipt) -> PyResult<Self> {
        Ok(PyRoutedReceipt {
            receipt: Py::new(
                py,
                PyReceipt {
                    inner: sent.receipt,
                },
            )?,
            account: sent.account,
            attempts: to_python(py, &sent.attempts)?,
        })
    }
}

#[pymethods]
impl PyRoutedReceipt {
    /// The name of the channel that delivered.
    #[getter]
    fn channel(&self) -> String {
        self.receipt.get().inner.channel.clone()
    }

    fn __repr__(&self) -> String {
        let r = &self.receipt.get().inner;
        format!(
            "<RoutedReceipt channel={:?} message_id={:?}>",
            r.channel, r.message_id
        )
    }
}

/// The local stand-in for every platform (WhatsApp, Messenger, Telegram…), on 127.0.0.1.
///
/// Use it as a context manager::
///
///     with Emulator() as emulator:
///         wa = emulator.channel('whatsapp')
///         wa.send(Message.text(emulator.sample_recipient('whatsapp'), 'Hi'))
///         print(emulator.records('whatsapp'))
#[pyclass(module = "switchboard", name = "Emulator")]
struct PyEmulator {
    inner: Mutex<Option<Emulator>>,
}

impl PyEmulator {
    fn with<T>(&self, f: impl FnOnce(&Emulator) -> PyResult<T>) -> PyResult<T> {
        let guard = self
            .inner
            .lock()
            .map_err(|_| PyRuntimeError::new_err("emulator state poisoned"))?;
        match guard.as_ref() {
            Some(e) => f(e),
            None => Err(PyRuntimeError::new_err(
                "the emulator is not running: call start() or use `with Emulator() as emulator:`",
            )),
        }
    }
}

#[pymethods]
impl PyEmulator {
    /// An emulator, not yet running: call ``start()`` or use ``with``.
    #[new]
    fn new() -> Self {
        PyEmulator {
            inner: Mutex::new(None),
        }
    }

    /// Starts serving on 127.0.0.1 on a free port (no-op when running).
    fn start(&self, py: Python<'_>) -> PyResult<()> {
        let mut guard = self
            .inner
            .lock()
            .map_err(|_| PyRuntimeError::new_err("emulator state poisoned"))?;
        if guard.is_none() {
            let rt = runtime()?;
            let emulator = py
                .detach(|| rt.block_on(Emulator::start()))
                .map_err(py_err)?;
            *guard = Some(emulator);
        }
        Ok(())
    }

    /// Stops serving.
    fn stop(&self) -> PyResult<()> {
        let mut guard = self
            .inner
            .lock()
            .map_err(|_| PyRuntimeError::new_err("emulator state poisoned"))?;
        if let Some(e) = guard.take() {
            e.shutdown();
        }
        Ok(())
    }

    fn __enter__(slf: PyRef<'_, Self>, py: Python<'_>) -> PyResult<Py<Self>> {
        slf.start(py)?;
        Ok(slf.into())
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<bool> {
        self.stop()?;
        Ok(false)
    }

    /// ``http://127.0.0.1:PORT``.
    #[getter]
    fn base_url(&self) -> PyResult<String> {
        self.with(|e| Ok(e.base_url()))
    }

    /// The base URL to give a channel of ``platform`` (``http://127.0.0.1:PORT/platform``).
    fn url(&self, platform: &str) -> PyResult<String> {
        self.with(|e| Ok(e.platform_base_url(platform)))
    }

    /// The access token the emulator accepts.
    #[getter]
    fn access_token(&self) -> &'static str {
        switchboard_emulator::EMULATOR_ACCESS_TOKEN
    }

    /// The platforms served.
    fn platforms(&self) -> PyResult<Vec<&'static str>> {
        self.with(|e| Ok(e.platforms()))
    }

    /// A TOML configuration with one channel per platform, pointed at the emulator.
    fn config_toml(&self) -> PyResult<String> {
        self.with(|e| Ok(e.config_toml()))
    }

    /// Endpoints and credentials, one line each.
    fn describe(&self) -> PyResult<Vec<String>> {
        self.with(|e| Ok(e.describe()))
    }

    /// A channel of ``platform`` that sends to this emulator.
    #[pyo3(signature = (platform, name=None))]
    fn channel(&self, platform: &str, name: Option<&str>) -> PyResult<PyChannel> {
        self.with(|e| {
            let config = e
                .channel_config(platform, name.unwrap_or(platform))
                .map_err(py_err)?;
            let registry = Registry::discover().map_err(py_err)?;
            Ok(PyChannel::new(registry.build(&config).map_err(py_err)?))
        })
    }

    /// A Switchboard with one channel per platform, pointed at the emulator.
    fn switchboard(&self) -> PyResult<PySwitchboard> {
        self.with(|e| {
            Ok(PySwitchboard::new(
                switchboard::Switchboard::from_toml_str(&e.config_toml()).map_err(py_err)?,
            ))
        })
    }

    /// A recipient the platform's emulator accepts.
    fn sample_recipient(&self, platform: &str) -> PyResult<PyRecipient> {
        self.with(|e| {
            Ok(PyRecipient {
                inner: e.sample_recipient(platform).map_err(py_err)?,
            })
        })
    }

    /// The requests accepted so far, as dicts (platform, account, recipient,
    /// message_id, body), optionally only for one platform and recipient.
    #[pyo3(signature = (platform=None, recipient=None))]
    fn records(
        &self,
        py: Python<'_>,
        platform: Option<&str>,
        recipient: Option<&str>,
    ) -> PyResult<Py<PyAny>> {
        self.with(|e| {
            let records: Vec<_> = match platform {
                Some(p) => e.records_for(p, recipient),
                None => e
                    .records()
                    .into_iter()
                    .filter(|r| recipient.is_none_or(|x| r.recipient == x))
                    .collect(),
            };
            to_python(py, &records)
        })
    }

    /// Makes the next ``count`` requests to ``platform`` fail: with the
    /// platform error ``code`` (and ``subcode``), a bare HTTP ``status``, a
    /// ``hang`` of that many seconds (then processed normally), or accepted
    /// then failed in its status webhook with ``delivery_failed`` (a code).
    #[pyo3(signature = (platform, count=1, *, code=None, subcode=None, status=None, hang=None, delivery_failed=None))]
    #[allow(clippy::too_many_arguments)]
    fn fail_next(
        &self,
        platform: &str,
        count: usize,
        code: Option<i64>,
        subcode: Option<i64>,
        status: Option<u16>,
        hang: Option<f64>,
        delivery_failed: Option<i64>,
    ) -> PyResult<()> {
        let failure = failure(code, subcode, status, hang, delivery_failed)?;
        self.with(|e| {
            e.fail_next(platform, count, failure);
            Ok(())
        })
    }

    /// Makes each request fail with probability ``rate`` (same failure
    /// arguments as ``fail_next``); ``rate=None`` stops it.
    #[pyo3(signature = (platform, rate, *, code=None, subcode=None, status=None))]
    fn set_failure_rate(
        &self,
        platform: &str,
        rate: Option<f64>,
        code: Option<i64>,
        subcode: Option<i64>,
        status: Option<u16>,
    ) -> PyResult<()> {
        let setting = match rate {
            Some(r) => Some(FailureRate::new(
                r,
                failure(code, subcode, status, None, None)?,
            )),
            None => None,
        };
        self.with(|e| {
            e.set_failure_rate(platform, setting);
            Ok(())
        })
    }

    /// Limits ``platform`` to ``per_second`` requests per second, answering
    /// ``code`` past it (WhatsApp 130429 / 80007, Messenger 613 / 4);
    /// ``per_second=None`` removes the limit.
    #[pyo3(signature = (platform, per_second, code=None))]
    fn set_rate_limit(
        &self,
        platform: &str,
        per_second: Option<u32>,
        code: Option<i64>,
    ) -> PyResult<()> {
        self.with(|e| {
            let code = match code {
                Some(c) => c,
                None => e.rate_limit_code(platform).map_err(py_err)?,
            };
            e.set_rate_limit(platform, per_second.map(|r| RateLimit::new(r, code)));
            Ok(())
        })
    }

    /// Limits messages to one recipient to ``max`` per ``seconds`` (131056).
    #[pyo3(signature = (platform, max, seconds))]
    fn set_pair_limit(&self, platform: &str, max: Option<u32>, seconds: f64) -> PyResult<()> {
        let per = duration(seconds)?;
        self.with(|e| {
            e.set_pair_limit(platform, max.map(|m| PairLimit::new(m, per)));
            Ok(())
        })
    }

    /// Enforces (or not) the 24-hour customer-service window on ``platform``.
    fn enforce_window(&self, platform: &str, enforce: bool) -> PyResult<()> {
        self.with(|e| {
            e.enforce_window(platform, enforce);
            Ok(())
        })
    }

    /// Opens ``user``'s window on ``platform`` now, as if they had written.
    fn open_window(&self, platform: &str, user: &str) -> PyResult<()> {
        self.with(|e| {
            e.open_window(platform, user);
            Ok(())
        })
    }

    /// Moves the emulator's clock forward by ``seconds``.
    fn advance_clock(&self, seconds: f64) -> PyResult<()> {
        let d = duration(seconds)?;
        self.with(|e| {
            e.advance_clock(d);
            Ok(())
        })
    }

    /// Adds ``seconds`` of latency to every answer of ``platform`` (None removes it).
    fn set_latency(&self, platform: &str, seconds: Option<f64>) -> PyResult<()> {
        let d = seconds.map(duration).transpose()?;
        self.with(|e| {
            e.set_latency(platform, d);
            Ok(())
        })
    }

    /// How many requests ``platform`` received, valid or not.
    fn request_count(&self, platform: &str) -> PyResult<u64> {
        self.with(|e| Ok(e.request_count(platform)))
    }

    /// Posts ``platform``'s webhooks to ``url``, signed with ``app_secret``.
    fn set_webhook(&self, platform: &str, url: String, app_secret: &str) -> PyResult<()> {
        let secret = secret(app_secret)?;
        self.with(|e| e.set_webhook(platform, url, secret).map_err(py_err))
    }

    /// Posts an inbound text from ``sender`` to ``platform``'s webhook; returns its id.
    fn send_inbound_text(&self, platform: &str, sender: &str, text: &str) -> PyResult<String> {
        let _guard = runtime()?.enter();
        self.with(|e| e.send_inbound_text(platform, sender, text).map_err(py_err))
    }

    /// The webhooks posted so far, as dicts (platform, url, status).
    fn webhook_deliveries(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.with(|e| to_python(py, &e.webhook_deliveries()))
    }

    fn __repr__(&self) -> String {
        match self.with(|e| Ok(e.base_url())) {
            Ok(url) => format!("<Emulator running at {url}>"),
            Err(_) => "<Emulator stopped>".to_string(),
        }
    }
}

fn webhook_error(e: switchboard::webhook::WebhookError) -> PyErr {
    Python::attach(|py| -> PyResult<PyErr> {
        let class = py.import("switchboard.errors")?.getattr("WebhookError")?;
        let kwargs = PyDict::new(py);
        kwargs.set_item("kind", "webhook")?;
        Ok(PyErr::from_value(
            class.call((e.to_string(),), Some(&kwargs))?,
        ))
    })
    .unwrap_or_else(|failure| failure)
}

/// How `platform`'s webhooks are received, from its channel plugin.
fn webhooks(platform: &str) -> PyResult<&'static switchboard::plugin::WebhookSupport> {
    registry()?.webhooks(platform).map_err(py_err)
}

/// Checks ``X-Hub-Signature-256`` (``header``) over the raw ``body`` with
/// ``app_secret`` in constant time; raises ``WebhookError`` when missing,
/// malformed or wrong.
#[pyfunction]
#[pyo3(signature = (app_secret, body, header))]
fn verify_signature(app_secret: &str, body: &[u8], header: Option<&str>) -> PyResult<()> {
    switchboard_graph::webhook::verify_signature(&secret(app_secret)?, body, header)
        .map_err(webhook_error)
}

/// Answers the subscription handshake: returns ``hub.challenge`` when
/// ``params`` (the query parameters) subscribe with ``verify_token``;
/// raises ``WebhookError`` otherwise.
#[pyfunction]
fn handshake(
    params: std::collections::HashMap<String, String>,
    verify_token: &str,
) -> PyResult<String> {
    switchboard_graph::webhook::handshake(&params, &secret(verify_token)?).map_err(webhook_error)
}

/// Parses a webhook body of ``platform`` (any channel plugin that receives
/// webhooks) into events (dicts with platform, account, id, timestamp_ms
/// and kind).
#[pyfunction]
fn parse_webhook(py: Python<'_>, platform: &str, body: &[u8]) -> PyResult<Py<PyAny>> {
    let events = (webhooks(platform)?.parse)(body).map_err(webhook_error)?;
    to_python(py, &events)
}

/// A webhook receiver on 127.0.0.1: answers the handshake, authenticates
/// each delivery the platform's way, drops duplicate deliveries and calls
/// ``handler(event_dict)`` for each new event (on a worker thread, holding
/// the GIL only for the call). The platform's webhook secrets are keywords
/// (Meta's platforms: ``app_secret`` and ``verify_token``).
///
///     with WebhookServer('whatsapp', app_secret='…', verify_token='…', handler=print) as hooks:
///         emulator.set_webhook('whatsapp', hooks.url, '…')
#[pyclass(module = "switchboard", name = "WebhookServer")]
struct PyWebhookServer {
    url: String,
    shutdown: Mutex<Option<tokio::sync::oneshot::Sender<()>>>,
}

#[pymethods]
impl PyWebhookServer {
    /// Starts serving at ``path`` on ``host`` (127.0.0.1 unless given;
    /// ``port`` 0 picks a free one). ``handler`` is a function or an
    /// ``async def``, called with each event.
    #[new]
    #[pyo3(signature = (platform, *, handler, path="/webhook", port=0, host="127.0.0.1", **secrets))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        platform: &str,
        handler: Py<PyAny>,
        path: &str,
        port: u16,
        host: &str,
        secrets: Option<std::collections::HashMap<String, String>>,
    ) -> PyResult<Self> {
        use switchboard::webhook::service::{router, WebhookConfig};
        let support = webhooks(platform)?;
        let mut given = switchboard::plugin::WebhookSecrets::new(platform);
        for (name, value) in secrets.unwrap_or_default() {
            if !support.keys.iter().any(|k| k.name == name) {
                let accepted: Vec<_> = support.keys.iter().map(|k| k.name).collect();
                return Err(py_err(switchboard::Error::config(format!(
                    "unknown webhook setting `{name}` for {platform}; accepted: {}",
                    accepted.join(", ")
                ))));
            }
            given = given.with(name, secret(&value)?);
        }
        let auth = (support.auth)(&given).map_err(py_err)?;
        let config = WebhookConfig::new(auth, support.parse);
        let handler = Arc::new(handler);
        let mount = webhook_path(path)?;
        let hooks = router(config, move |event: switchboard::webhook::Event| {
            let handler = handler.clone();
            async move {
                let _ = tokio::task::spawn_blocking(move || {
                    let Some(_work) = PythonWork::begin() else {
                        return;
                    };
                    Python::attach(|py| {
                        let result = to_python(py, &event)
                            .and_then(|e| handler.call1(py, (e,)))
                            .and_then(|r| run_if_coroutine(py, r));
                        if let Err(e) = result {
                            log_handler_error(py, &e);
                        }
                    })
                })
                .await;
            }
        });
        let app = match mount {
            Some(path) => axum::Router::new().nest(path, hooks),
            None => hooks,
        };
        let rt = runtime()?;
        let listener = py
            .detach(|| rt.block_on(tokio::net::TcpListener::bind((host, port))))
            .map_err(|e| {
                py_err(switchboard::Error::config(format!(
                    "cannot listen on {host}:{port}: {e}"
                )))
            })?;
        let addr = listener
            .local_addr()
            .map_err(|e| PyRuntimeError::new_err(e.to_string()))?;
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        rt.spawn(async move {
            let stopped = async move {
                let _ = rx.await;
            };
            let limits = switchboard::server::ServerLimits::default();
            let _ = switchboard::server::serve(listener, app, limits, stopped).await;
        });
        Ok(PyWebhookServer {
            url: format!("http://{addr}{path}"),
            shutdown: Mutex::new(Some(tx)),
        })
    }

    /// The URL to give the platform (or the emulator).
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// Stops serving.
    fn stop(&self) -> PyResult<()> {
        if let Some(tx) = self
            .shutdown
            .lock()
            .map_err(|_| PyRuntimeError::new_err("state poisoned"))?
            .take()
        {
            let _ = tx.send(());
        }
        Ok(())
    }

    fn __enter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(&self, _args: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<bool> {
        self.stop()?;
        Ok(false)
    }
}

/// The native part of the `switchboard` package.
#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // Rust's `tracing` events reach Python's `logging`: core's under the
    // `switchboard` logger (`switchboard.delivery`, `switchboard.webhook`…),
    // each channel crate's under its own (`switchboard_whatsapp`…). Levels
    // are read from Python's loggers and cached.
    install_logging(m.py());
    m.add_class::<PyRecipient>()?;
    m.add_class::<PyMessage>()?;
    m.add_class::<PyReceipt>()?;
    m.add_class::<PyChannel>()?;
    m.add_class::<PySwitchboard>()?;
    m.add_class::<PyRoutedReceipt>()?;
    m.add_class::<PyTenants>()?;
    m.add_class::<PyEmulator>()?;
    m.add_class::<PyWebhookServer>()?;
    m.add_function(wrap_pyfunction!(shutdown, m)?)?;
    m.add_function(wrap_pyfunction!(cli, m)?)?;
    m.add_function(wrap_pyfunction!(refresh_logging, m)?)?;
    m.add_function(wrap_pyfunction!(verify_signature, m)?)?;
    m.add_function(wrap_pyfunction!(handshake, m)?)?;
    m.add_function(wrap_pyfunction!(parse_webhook, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
