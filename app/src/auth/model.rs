//! Who someone is, as both sides of Markwell see it.

use serde::{Deserialize, Serialize};

use crate::ids::UserId;

/// What kind of account someone has. SLT is a flag on a staff account, not a role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Role {
    Admin,
    Teacher,
    Parent,
}

impl Role {
    /// Reads the role as the database stores it.
    pub fn parse(stored: &str) -> Option<Role> {
        match stored {
            "admin" => Some(Role::Admin),
            "teacher" => Some(Role::Teacher),
            "parent" => Some(Role::Parent),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Teacher => "teacher",
            Role::Parent => "parent",
        }
    }
}

/// The signed-in person, as the screens need them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub id: UserId,
    pub first_name: String,
    pub surname: String,
    pub role: Role,
    /// Senior leadership: reads every group, sees School Usage, publishes reports.
    pub slt: bool,
    pub school_name: String,
}

impl Person {
    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.surname)
    }

    pub fn is_staff(&self) -> bool {
        self.role != Role::Parent
    }

    /// How the person's role reads on screen.
    pub fn role_label(&self) -> &'static str {
        match (self.role, self.slt) {
            (Role::Admin, _) => "Admin",
            (Role::Teacher, true) => "Teacher · SLT",
            (Role::Teacher, false) => "Teacher",
            (Role::Parent, _) => "Parent",
        }
    }
}

/// The two kinds of emailed link that set a password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PasswordLink {
    /// From "Send reset password link": valid for 24 hours.
    Reset,
    /// From a staff invitation: valid for 7 days.
    Invitation,
}

/// What an emailed link turned out to be, for the page it opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkStatus {
    Ready,
    Used,
    Expired,
    /// Mistyped, cut short or forged.
    Unknown,
}

/// Where a sign-in may send someone afterwards: only a path on this site, so
/// a crafted link can't bounce a fresh sign-in to another site. Browsers drop
/// tabs and newlines from addresses and read `\` as `/`, so `/\t/evil` and
/// `/\evil` would become `//evil`, another site: a path with any control
/// character, space or backslash, or starting `//`, is refused.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path
                    .chars()
                    .any(|c| c.is_control() || c.is_whitespace() || c == '\\') =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// The password rules in a sentence, shown under every new-password field.
pub const PASSWORD_HINT: &str =
    "At least 8 characters, including a number. Avoid common passwords.";

/// The rules for a new password, as schools know them: at least 8 characters
/// with at least one number; up to 128, because a low maximum weakens
/// passwords. Each rule broken gives its own message. (The server also
/// refuses the most common passwords.)
pub fn password_problems(password: &str) -> Vec<&'static str> {
    let length = password.chars().count();
    let mut problems = Vec::new();
    if length < 8 {
        problems.push("The password must be at least 8 characters long.");
    }
    if length > 128 {
        problems.push("The password can be at most 128 characters long.");
    }
    if !password.chars().any(|c| c.is_ascii_digit()) {
        problems.push("The password must include at least one number.");
    }
    problems
}

crate::ui::done_notices! {
    /// What the page says after a change sends the browser back to it.
    pub enum SignInDone {
        PasswordReset => ("password-reset", "Your password has been changed. Sign in with your new password."),
        PasswordSet => ("password-set", "Your password is set. Sign in to start using Markwell."),
        SignedUp => ("signed-up", "Your account is ready. Sign in with your email address and password."),
        EmailChanged => ("email-changed", "Your new email address is confirmed. Use it to sign in from now on."),
        AccountDeleted => ("account-deleted", "Your account has been deleted. To use Markwell again, ask the school office for a new letter."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_is_only_ever_a_path_on_this_site() {
        for bypass in [
            "//evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r/evil.example",
            "\t//evil.example",
            "/\u{0}/evil.example",
            "/\u{b}/evil.example",
            "/ /evil.example",
            " //evil.example",
            "https://evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "evil.example",
            "%2F%2Fevil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(bypass)), "/", "{bypass:?}");
        }
        for path in [
            "/",
            "/children/3",
            "/markbook?group=2&subject=1",
            "/%2F%2Fevil.example",
        ] {
            assert_eq!(safe_next(Some(path)), path);
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next(Some("/children/4")), "/children/4");
        assert_eq!(safe_next(Some("//evil.example/")), "/");
        assert_eq!(safe_next(Some("https://evil.example/")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn each_password_rule_has_its_own_message() {
        assert_eq!(password_problems("short1").len(), 1);
        assert_eq!(password_problems("no numbers here").len(), 1);
        assert_eq!(password_problems("short").len(), 2);
        assert_eq!(password_problems(&"a1".repeat(65)).len(), 1);
        assert!(password_problems("markwell-demo-1").is_empty());
    }
}
