//! The API lifecycle: WSO2 API Manager's default states and transitions.
//!
//! ```text
//! CREATED    → PUBLISHED (publish), PROTOTYPED (deploy_as_prototype)
//! PROTOTYPED → PUBLISHED (publish), CREATED (demote_to_created)
//! PUBLISHED  → BLOCKED (block), DEPRECATED (deprecate), PROTOTYPED (deploy_as_prototype),
//!              CREATED (demote_to_created)
//! BLOCKED    → PUBLISHED (republish), DEPRECATED (deprecate)
//! DEPRECATED → RETIRED (retire)
//! RETIRED    → none
//! ```

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ApiState {
    Created,
    Prototyped,
    Published,
    Blocked,
    Deprecated,
    Retired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleAction {
    Publish,
    DeployAsPrototype,
    DemoteToCreated,
    Block,
    Deprecate,
    Retire,
    Republish,
}

impl LifecycleAction {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Publish => "publish",
            Self::DeployAsPrototype => "deploy_as_prototype",
            Self::DemoteToCreated => "demote_to_created",
            Self::Block => "block",
            Self::Deprecate => "deprecate",
            Self::Retire => "retire",
            Self::Republish => "republish",
        }
    }
}

impl ApiState {
    pub const ALL: [ApiState; 6] = [
        Self::Created,
        Self::Prototyped,
        Self::Published,
        Self::Blocked,
        Self::Deprecated,
        Self::Retired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Created => "CREATED",
            Self::Prototyped => "PROTOTYPED",
            Self::Published => "PUBLISHED",
            Self::Blocked => "BLOCKED",
            Self::Deprecated => "DEPRECATED",
            Self::Retired => "RETIRED",
        }
    }

    pub fn parse(s: &str) -> Option<ApiState> {
        Self::ALL.into_iter().find(|st| st.as_str().eq_ignore_ascii_case(s))
    }

    /// The transitions out of this state, as (action, target) pairs.
    pub fn transitions(self) -> &'static [(LifecycleAction, ApiState)] {
        use ApiState::*;
        use LifecycleAction::*;
        match self {
            Created => &[(Publish, Published), (DeployAsPrototype, Prototyped)],
            Prototyped => &[(Publish, Published), (DemoteToCreated, Created)],
            Published => &[
                (Block, Blocked),
                (Deprecate, Deprecated),
                (DeployAsPrototype, Prototyped),
                (DemoteToCreated, Created),
            ],
            Blocked => &[(Republish, Published), (Deprecate, Deprecated)],
            Deprecated => &[(Retire, Retired)],
            Retired => &[],
        }
    }

    /// The state `action` leads to, or `None` when it is not allowed from here.
    pub fn apply(self, action: LifecycleAction) -> Option<ApiState> {
        self.transitions().iter().find(|(a, _)| *a == action).map(|(_, to)| *to)
    }

    pub fn allowed_actions(self) -> Vec<String> {
        self.transitions().iter().map(|(a, _)| a.as_str().to_owned()).collect()
    }

    /// Whether the API may be deleted in this state.
    pub fn deletable(self) -> bool {
        matches!(self, Self::Created | Self::Retired)
    }

    /// Whether entering this state opens the API to callers, so it must be publishable first
    /// ([`crate::domain::api::publishable`]).
    pub fn opens_to_callers(self) -> bool {
        matches!(self, Self::Prototyped | Self::Published)
    }

    /// Whether the gateway serves the API in this state (BLOCKED is served as 503).
    pub fn deployed(self) -> bool {
        matches!(
            self,
            Self::Prototyped | Self::Published | Self::Blocked | Self::Deprecated
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transition_table_is_wso2s() {
        use ApiState::*;
        use LifecycleAction::*;
        let legal = [
            (Created, Publish, Published),
            (Created, DeployAsPrototype, Prototyped),
            (Prototyped, Publish, Published),
            (Prototyped, DemoteToCreated, Created),
            (Published, Block, Blocked),
            (Published, Deprecate, Deprecated),
            (Published, DeployAsPrototype, Prototyped),
            (Published, DemoteToCreated, Created),
            (Blocked, Republish, Published),
            (Blocked, Deprecate, Deprecated),
            (Deprecated, Retire, Retired),
        ];
        let actions = [
            Publish,
            DeployAsPrototype,
            DemoteToCreated,
            Block,
            Deprecate,
            Retire,
            Republish,
        ];
        for from in ApiState::ALL {
            for action in actions {
                let want = legal
                    .iter()
                    .find(|(f, a, _)| *f == from && *a == action)
                    .map(|(_, _, t)| *t);
                assert_eq!(from.apply(action), want, "{from:?} --{action:?}-->");
            }
        }
        assert!(Retired.allowed_actions().is_empty());
    }
}
