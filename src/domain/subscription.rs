//! The subscription lifecycle: an application's right to call an API on a plan.
//!
//! ```text
//! PENDING → ACTIVE (approve), REJECTED (reject), ENDED (end)
//! ACTIVE  → ACTIVE (approve: a pending plan change), BLOCKED (block), ENDED (end)
//! BLOCKED → ACTIVE (unblock), ENDED (end)
//! REJECTED, ENDED → none
//! ```
//!
//! A new subscription starts PENDING when its plan needs approval, ACTIVE otherwise. The store
//! applies a transition conditionally on the state it was decided from (two publishers deciding
//! at once: one wins, the other gets 409 with what is allowed now).

/// A subscription's state, stored as its upper-case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubscriptionState {
    Pending,
    Active,
    Blocked,
    Rejected,
    Ended,
}

/// What a publisher (approve, reject, block, unblock) or the application's owner (end) does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubscriptionAction {
    Approve,
    Reject,
    Block,
    Unblock,
    End,
}

impl SubscriptionAction {
    pub const ALL: [SubscriptionAction; 5] = [Self::Approve, Self::Reject, Self::Block, Self::Unblock, Self::End];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Approve => "approve",
            Self::Reject => "reject",
            Self::Block => "block",
            Self::Unblock => "unblock",
            Self::End => "end",
        }
    }

    /// The state every transition of this action leads to.
    pub fn target(self) -> SubscriptionState {
        match self {
            Self::Approve | Self::Unblock => SubscriptionState::Active,
            Self::Reject => SubscriptionState::Rejected,
            Self::Block => SubscriptionState::Blocked,
            Self::End => SubscriptionState::Ended,
        }
    }

    /// The states this action may start from, as stored (for the store's conditional update).
    pub fn from_states(self) -> Vec<&'static str> {
        SubscriptionState::ALL
            .into_iter()
            .filter(|s| s.apply(self).is_some())
            .map(SubscriptionState::as_str)
            .collect()
    }
}

impl SubscriptionState {
    pub const ALL: [SubscriptionState; 5] = [Self::Pending, Self::Active, Self::Blocked, Self::Rejected, Self::Ended];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "PENDING",
            Self::Active => "ACTIVE",
            Self::Blocked => "BLOCKED",
            Self::Rejected => "REJECTED",
            Self::Ended => "ENDED",
        }
    }

    pub fn parse(s: &str) -> Option<SubscriptionState> {
        Self::ALL.into_iter().find(|state| state.as_str() == s)
    }

    /// The state a new subscription starts in.
    pub fn initial(requires_approval: bool) -> SubscriptionState {
        if requires_approval { Self::Pending } else { Self::Active }
    }

    /// The transition table.
    pub fn transitions(self) -> &'static [(SubscriptionAction, SubscriptionState)] {
        use SubscriptionAction as A;
        use SubscriptionState as S;
        match self {
            S::Pending => &[(A::Approve, S::Active), (A::Reject, S::Rejected), (A::End, S::Ended)],
            S::Active => &[(A::Approve, S::Active), (A::Block, S::Blocked), (A::End, S::Ended)],
            S::Blocked => &[(A::Unblock, S::Active), (A::End, S::Ended)],
            S::Rejected | S::Ended => &[],
        }
    }

    pub fn apply(self, action: SubscriptionAction) -> Option<SubscriptionState> {
        self.transitions().iter().find(|(a, _)| *a == action).map(|(_, to)| *to)
    }

    /// For a 409: the actions allowed from this state.
    pub fn allowed_actions(self) -> Vec<String> {
        self.transitions().iter().map(|(a, _)| a.as_str().to_owned()).collect()
    }

    /// Whether the subscription is over (no transition leaves it; its billing period ended).
    pub fn is_final(self) -> bool {
        self.transitions().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_transition_table_is_exactly_this() {
        use SubscriptionAction as A;
        use SubscriptionState as S;
        let expected: &[(S, A, Option<S>)] = &[
            (S::Pending, A::Approve, Some(S::Active)),
            (S::Pending, A::Reject, Some(S::Rejected)),
            (S::Pending, A::Block, None),
            (S::Pending, A::Unblock, None),
            (S::Pending, A::End, Some(S::Ended)),
            (S::Active, A::Approve, Some(S::Active)),
            (S::Active, A::Reject, None),
            (S::Active, A::Block, Some(S::Blocked)),
            (S::Active, A::Unblock, None),
            (S::Active, A::End, Some(S::Ended)),
            (S::Blocked, A::Approve, None),
            (S::Blocked, A::Reject, None),
            (S::Blocked, A::Block, None),
            (S::Blocked, A::Unblock, Some(S::Active)),
            (S::Blocked, A::End, Some(S::Ended)),
        ];
        for (from, action, to) in expected {
            assert_eq!(from.apply(*action), *to, "{from:?} --{action:?}-->");
        }
        for from in [S::Rejected, S::Ended] {
            for action in A::ALL {
                assert_eq!(from.apply(action), None, "{from:?} is final");
            }
            assert!(from.is_final());
        }
        assert_eq!(
            expected.len() + 2 * A::ALL.len(),
            S::ALL.len() * A::ALL.len(),
            "every pair is listed"
        );
    }

    #[test]
    fn every_action_has_one_target_and_its_start_states() {
        for action in SubscriptionAction::ALL {
            for state in SubscriptionState::ALL {
                if let Some(to) = state.apply(action) {
                    assert_eq!(to, action.target(), "{state:?} --{action:?}-->");
                }
            }
        }
        assert_eq!(SubscriptionAction::Approve.from_states(), ["PENDING", "ACTIVE"]);
        assert_eq!(SubscriptionAction::End.from_states(), ["PENDING", "ACTIVE", "BLOCKED"]);
        assert_eq!(SubscriptionAction::Unblock.from_states(), ["BLOCKED"]);
        assert_eq!(SubscriptionState::Active.allowed_actions(), ["approve", "block", "end"]);
    }

    #[test]
    fn states_round_trip_through_their_stored_names() {
        for s in SubscriptionState::ALL {
            assert_eq!(SubscriptionState::parse(s.as_str()), Some(s));
        }
        assert_eq!(SubscriptionState::parse("active"), None);
        assert_eq!(SubscriptionState::initial(true), SubscriptionState::Pending);
        assert_eq!(SubscriptionState::initial(false), SubscriptionState::Active);
    }
}
