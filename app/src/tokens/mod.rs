//! API tokens: how other systems push KPI readings and read the OKRs. The
//! ambassador creates one with a name and a scope, sees it once, and can
//! revoke it; the list shows when each was last used. Only a digest of a
//! token is stored, so a copy of the database opens no door.

mod admin;
#[cfg(feature = "ssr")]
pub mod ssr;

pub use admin::TokensAdmin;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scope {
    /// Record readings: of one KPI, or of every KPI when `None`.
    KpiWrite(Option<i64>),
    /// Read the organisation's objectives and key results.
    Read,
}

impl Scope {
    /// From the form: `kpi:write`, `kpi:write:<id>` or `read`.
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let invalid = || AppError::invalid("scope", "Choose what the token may do.");
        match raw.trim() {
            "read" => Ok(Scope::Read),
            "kpi:write" => Ok(Scope::KpiWrite(None)),
            other => other
                .strip_prefix("kpi:write:")
                .and_then(|id| id.parse().ok())
                .map(|id| Scope::KpiWrite(Some(id)))
                .ok_or_else(invalid),
        }
    }
}

/// A token as the administration lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub scope: Scope,
    /// The KPI of a one-KPI token, by name.
    pub kpi: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
    pub last_used_at: Option<String>,
}

impl ApiToken {
    /// "Record readings of Average reply time", "Read OKRs"…
    pub fn scope_words(&self) -> String {
        match (self.scope, &self.kpi) {
            (Scope::Read, _) => "Read objectives and key results".to_owned(),
            (Scope::KpiWrite(None), _) => "Record readings of every KPI".to_owned(),
            (Scope::KpiWrite(Some(_)), Some(name)) => format!("Record readings of {name}"),
            (Scope::KpiWrite(Some(id)), None) => format!("Record readings of KPI {id}"),
        }
    }
}

/// A token just created: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub token: ApiToken,
    pub secret: String,
}

/// The tokens, and the KPIs a token may be limited to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenList {
    pub tokens: Vec<ApiToken>,
    pub kpis: Vec<crate::kpis::Choice>,
}

#[server(endpoint = "list_api_tokens")]
pub async fn list_api_tokens() -> Result<TokenList, AppError> {
    use crate::error::ssr::reply;
    ssr::list().await.map_err(reply)
}

#[server(endpoint = "create_api_token")]
pub async fn create_api_token(name: String, scope: String) -> Result<CreatedToken, AppError> {
    use crate::error::ssr::reply;
    ssr::create(&name, &scope).await.map_err(reply)
}

#[server(endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: i64) -> Result<(), AppError> {
    use crate::error::ssr::reply;
    ssr::revoke(id).await.map_err(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_parse_from_the_form() {
        assert_eq!(Scope::parse("read"), Ok(Scope::Read));
        assert_eq!(Scope::parse("kpi:write"), Ok(Scope::KpiWrite(None)));
        assert_eq!(Scope::parse("kpi:write:7"), Ok(Scope::KpiWrite(Some(7))));
        for bad in ["", "write", "kpi:write:", "kpi:write:x", "admin"] {
            assert!(Scope::parse(bad).is_err(), "{bad:?}");
        }
    }
}
