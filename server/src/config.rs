//! Configuration from environment variables, with safe defaults. A bad value
//! stops start-up with a message naming the variable.

use std::{
    net::{IpAddr, SocketAddr},
    path::PathBuf,
};

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub site_addr: SocketAddr,
    pub site_root: String,
    pub base_url: String,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub outbox: PathBuf,
    /// Reverse proxies whose `X-Forwarded-For` / `Forwarded` header names
    /// the real client (MARKWELL_TRUSTED_PROXIES); none by default.
    pub trusted_proxies: Vec<IpAddr>,
    /// Where `serve` keeps its daily backups (MARKWELL_BACKUP_DIR); none by default.
    pub backup_dir: Option<PathBuf>,
    /// How many of them to keep (MARKWELL_BACKUP_KEEP, 14 by default).
    pub backup_keep: usize,
}

#[derive(Debug, thiserror::Error)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn bad(variable: &'static str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable,
        problem: problem.into(),
    }
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Config::from_lookup(var)
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let database_url =
            get("DATABASE_URL").unwrap_or_else(|| "sqlite://data/markwell.db".to_owned());
        if !database_url.starts_with("sqlite:") {
            return Err(bad(
                "DATABASE_URL",
                "must start with sqlite:, for example sqlite://data/markwell.db",
            ));
        }
        let site_addr = get("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".to_owned());
        let site_addr: SocketAddr = site_addr.parse().map_err(|_| {
            bad(
                "LEPTOS_SITE_ADDR",
                "must be an address and port, for example 127.0.0.1:3000",
            )
        })?;
        let site_root = get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned());
        let base_url = get("MARKWELL_BASE_URL").unwrap_or_else(|| format!("http://{site_addr}"));
        let parsed = url::Url::parse(&base_url).map_err(|_| {
            bad(
                "MARKWELL_BASE_URL",
                "must be a full URL, for example https://markwell.school.example",
            )
        })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(bad(
                "MARKWELL_BASE_URL",
                "must start with http:// or https://",
            ));
        }
        let base_url = base_url.trim_end_matches('/').to_owned();
        let smtp_url = get("SMTP_URL");
        if let Some(smtp) = &smtp_url {
            let parsed = url::Url::parse(smtp).map_err(|_| {
                bad(
                    "SMTP_URL",
                    "must be a URL such as smtp://user:password@mail.example:587",
                )
            })?;
            if !matches!(parsed.scheme(), "smtp" | "smtps") {
                return Err(bad("SMTP_URL", "must start with smtp:// or smtps://"));
            }
        }
        let mail_from =
            get("MAIL_FROM").unwrap_or_else(|| "Markwell <markwell@localhost>".to_owned());
        if !mail_from.contains('@') {
            return Err(bad(
                "MAIL_FROM",
                "must be an email address, for example Markwell <office@school.example>",
            ));
        }
        let outbox =
            PathBuf::from(get("MARKWELL_OUTBOX").unwrap_or_else(|| "data/outbox".to_owned()));
        let trusted_proxies = get("MARKWELL_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|typed| !typed.is_empty())
            .map(|typed| {
                typed.parse::<IpAddr>().map_err(|_| {
                    bad(
                        "MARKWELL_TRUSTED_PROXIES",
                        format!("{typed} is not an IP address; list the proxies' addresses, such as 127.0.0.1,::1"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let backup_dir = get("MARKWELL_BACKUP_DIR").map(PathBuf::from);
        let backup_keep = match get("MARKWELL_BACKUP_KEEP") {
            None => 14,
            Some(typed) => typed
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|keep| *keep >= 1)
                .ok_or_else(|| {
                    bad(
                        "MARKWELL_BACKUP_KEEP",
                        "must be how many backups to keep, 1 or more, for example 14",
                    )
                })?,
        };
        Ok(Config {
            database_url,
            site_addr,
            site_root,
            base_url,
            smtp_url,
            mail_from,
            outbox,
            trusted_proxies,
            backup_dir,
            backup_keep,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn defaults_are_safe() {
        let config = with(&[]).unwrap();
        assert_eq!(config.database_url, "sqlite://data/markwell.db");
        assert_eq!(config.base_url, "http://127.0.0.1:3000");
        assert!(config.smtp_url.is_none());
    }

    #[test]
    fn a_bad_setting_names_its_variable() {
        assert_eq!(
            with(&[("LEPTOS_SITE_ADDR", "nowhere")])
                .unwrap_err()
                .variable,
            "LEPTOS_SITE_ADDR"
        );
        assert_eq!(
            with(&[("DATABASE_URL", "postgres://x")])
                .unwrap_err()
                .variable,
            "DATABASE_URL"
        );
        assert_eq!(
            with(&[("MARKWELL_BASE_URL", "ftp://x")])
                .unwrap_err()
                .variable,
            "MARKWELL_BASE_URL"
        );
        assert_eq!(
            with(&[("SMTP_URL", "http://x")]).unwrap_err().variable,
            "SMTP_URL"
        );
        assert_eq!(
            with(&[("MAIL_FROM", "nobody")]).unwrap_err().variable,
            "MAIL_FROM"
        );
        assert_eq!(
            with(&[("MARKWELL_TRUSTED_PROXIES", "127.0.0.1, proxy")])
                .unwrap_err()
                .variable,
            "MARKWELL_TRUSTED_PROXIES"
        );
    }

    #[test]
    fn trusted_proxies_are_a_list_of_addresses() {
        let config = with(&[("MARKWELL_TRUSTED_PROXIES", "127.0.0.1, ::1")]).unwrap();
        assert_eq!(
            config.trusted_proxies,
            [
                "127.0.0.1".parse::<IpAddr>().unwrap(),
                "::1".parse().unwrap()
            ]
        );
        assert!(with(&[]).unwrap().trusted_proxies.is_empty());
    }
}
