//! Authorization: the one place that decides what a signed-in subject may do.
//!
//! Handlers obtain a [`Subject`] from the authentication extractor and ask it; they never
//! compare roles themselves. Rules:
//! - an object in an organization the subject does not belong to is *not found* (its existence
//!   is not revealed);
//! - a member whose role lacks the permission is *forbidden*;
//! - admins of the operator organization (created at bootstrap, like WSO2's super tenant) operate
//!   the whole installation and pass every check;
//! - objects owned by a user (applications, tokens) are visible to that user only.

use super::account::Role;

/// What a subject wants to do inside an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Permission {
    /// See the organization and its member list entry for oneself.
    ViewOrganization,
    /// Create, change, publish and price the organization's APIs and plans.
    ManageApis,
    /// Add, remove and change members; see the member list.
    ManageMembers,
    /// Read the organization's audit log.
    ViewAudit,
    /// See usage analytics, revenue, invoices and exports of the organization's APIs.
    ViewBilling,
    /// Finalize and void the organization's invoices.
    ManageBilling,
    /// Create, change and delete webhook endpoints; read and re-send their deliveries.
    ManageWebhooks,
}

/// What a subject wants to do across the installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GlobalPermission {
    /// Create organizations and list all of them.
    ManageOrganizations,
    /// See usage and billing of every organization at once.
    ViewAllBilling,
}

impl Role {
    pub fn allows(self, permission: Permission) -> bool {
        match permission {
            Permission::ViewOrganization => true,
            Permission::ManageApis | Permission::ViewBilling => matches!(self, Role::Admin | Role::Publisher),
            Permission::ManageMembers
            | Permission::ViewAudit
            | Permission::ManageBilling
            | Permission::ManageWebhooks => self == Role::Admin,
        }
    }
}

/// A denial, mapped by the HTTP layer to 404 or 403.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    NotFound,
    Forbidden,
}

#[derive(Debug, Clone)]
pub struct Membership {
    pub org_id: String,
    pub org_slug: String,
    pub org_name: String,
    pub role: Role,
    /// The organization is the operator organization.
    pub operator: bool,
}

/// The signed-in user and their roles.
#[derive(Debug, Clone)]
pub struct Subject {
    pub user_id: String,
    pub email: String,
    pub memberships: Vec<Membership>,
}

impl Subject {
    pub fn role_in(&self, org_id: &str) -> Option<Role> {
        self.memberships.iter().find(|m| m.org_id == org_id).map(|m| m.role)
    }

    /// An admin of the operator organization.
    pub fn is_operator(&self) -> bool {
        self.memberships.iter().any(|m| m.operator && m.role == Role::Admin)
    }

    pub fn authorize(&self, org_id: &str, permission: Permission) -> Result<(), Denial> {
        if self.is_operator() {
            return Ok(());
        }
        match self.role_in(org_id) {
            None => Err(Denial::NotFound),
            Some(role) if role.allows(permission) => Ok(()),
            Some(_) => Err(Denial::Forbidden),
        }
    }

    pub fn authorize_global(&self, permission: GlobalPermission) -> Result<(), Denial> {
        match permission {
            GlobalPermission::ManageOrganizations | GlobalPermission::ViewAllBilling if self.is_operator() => Ok(()),
            GlobalPermission::ManageOrganizations | GlobalPermission::ViewAllBilling => Err(Denial::Forbidden),
        }
    }

    /// For objects owned by one user: anyone else gets not-found.
    pub fn authorize_owner(&self, owner_user_id: &str) -> Result<(), Denial> {
        if self.user_id == owner_user_id {
            Ok(())
        } else {
            Err(Denial::NotFound)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn subject(memberships: &[(&str, Role, bool)]) -> Subject {
        Subject {
            user_id: "u1".into(),
            email: "u1@example.org".into(),
            memberships: memberships
                .iter()
                .map(|(org, role, operator)| Membership {
                    org_id: (*org).into(),
                    org_slug: (*org).into(),
                    org_name: (*org).into(),
                    role: *role,
                    operator: *operator,
                })
                .collect(),
        }
    }

    #[test]
    fn table_of_decisions() {
        use Denial::*;
        use Permission::*;
        let cases: &[(Role, Permission, Result<(), Denial>)] = &[
            (Role::Developer, ViewOrganization, Ok(())),
            (Role::Developer, ManageApis, Err(Forbidden)),
            (Role::Developer, ManageMembers, Err(Forbidden)),
            (Role::Developer, ViewAudit, Err(Forbidden)),
            (Role::Developer, ManageWebhooks, Err(Forbidden)),
            (Role::Publisher, ManageApis, Ok(())),
            (Role::Publisher, ManageMembers, Err(Forbidden)),
            (Role::Publisher, ViewAudit, Err(Forbidden)),
            (Role::Publisher, ManageWebhooks, Err(Forbidden)),
            (Role::Admin, ManageApis, Ok(())),
            (Role::Admin, ManageMembers, Ok(())),
            (Role::Admin, ViewAudit, Ok(())),
            (Role::Admin, ManageWebhooks, Ok(())),
        ];
        for (role, perm, want) in cases {
            let s = subject(&[("a", *role, false)]);
            assert_eq!(s.authorize("a", *perm), *want, "{role:?} {perm:?}");
            assert_eq!(s.authorize("b", *perm), Err(NotFound), "{role:?} {perm:?} in other org");
        }
    }

    #[test]
    fn operator_admin_passes_everything_but_operator_developer_does_not() {
        let op = subject(&[("root", Role::Admin, true)]);
        assert_eq!(op.authorize("any", Permission::ManageMembers), Ok(()));
        assert_eq!(op.authorize_global(GlobalPermission::ManageOrganizations), Ok(()));
        let dev = subject(&[("root", Role::Developer, true)]);
        assert_eq!(
            dev.authorize("any", Permission::ViewOrganization),
            Err(Denial::NotFound)
        );
        assert_eq!(
            dev.authorize_global(GlobalPermission::ManageOrganizations),
            Err(Denial::Forbidden)
        );
    }

    #[test]
    fn owner_only() {
        let s = subject(&[]);
        assert_eq!(s.authorize_owner("u1"), Ok(()));
        assert_eq!(s.authorize_owner("u2"), Err(Denial::NotFound));
    }
}
