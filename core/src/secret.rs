//! Secrets (access tokens, app secrets) that never show up in `Debug`, logs or errors.

use std::fmt;

use serde::{Deserialize, Deserializer};

/// A secret value such as an access token or an app secret.
///
/// `Debug` and `Display` print `[redacted]`; the value is only reachable
/// through [`Secret::expose`]. When read from configuration, a value of the
/// form `env:NAME` is replaced by the content of the environment variable
/// `NAME` (see [`Secret::resolve`]).
///
/// ```
/// use switchboard::Secret;
/// let token = Secret::new("EAAG-very-secret");
/// assert_eq!(format!("{token:?}"), "Secret([redacted])");
/// assert_eq!(token.expose(), "EAAG-very-secret");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a literal secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// Resolves a configuration value: `env:NAME` reads the environment
    /// variable `NAME`; anything else is taken literally.
    ///
    /// The error names the variable, never a value.
    pub fn resolve(value: &str) -> Result<Self, String> {
        match value.strip_prefix("env:") {
            Some(var) => {
                let var = var.trim();
                if var.is_empty() {
                    return Err("`env:` must be followed by an environment variable name".into());
                }
                match std::env::var(var) {
                    Ok(v) if !v.is_empty() => Ok(Secret(v)),
                    Ok(_) => Err(format!("environment variable {var} is empty")),
                    Err(std::env::VarError::NotPresent) => {
                        Err(format!("environment variable {var} is not set"))
                    }
                    Err(std::env::VarError::NotUnicode(_)) => {
                        Err(format!("environment variable {var} is not valid UTF-8"))
                    }
                }
            }
            None => Ok(Secret(value.to_owned())),
        }
    }

    /// The secret value itself. Use it only where the platform needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Secret;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a secret string or an `env:VARIABLE` reference")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Secret, E> {
                Secret::resolve(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let s = Secret::new("tok-123");
        assert!(!format!("{s:?}").contains("tok-123"));
        assert!(!format!("{s}").contains("tok-123"));
    }

    #[test]
    fn env_reference_is_resolved_and_missing_variable_names_it() {
        std::env::set_var("SWITCHBOARD_SECRET_TEST_VAR", "from-env");
        let s = Secret::resolve("env:SWITCHBOARD_SECRET_TEST_VAR").unwrap();
        assert_eq!(s.expose(), "from-env");
        let err = Secret::resolve("env:SWITCHBOARD_SECRET_TEST_MISSING").unwrap_err();
        assert!(err.contains("SWITCHBOARD_SECRET_TEST_MISSING"), "{err}");
        assert!(Secret::resolve("env:").is_err());
        assert_eq!(Secret::resolve("literal").unwrap().expose(), "literal");
    }
}
