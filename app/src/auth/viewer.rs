//! Who is asking, and the checks that decide what they may see. Each check
//! returns a proof value whose constructor is private to this module, so a
//! query that needs a check takes the proof and can't be reached without it.

use super::{accounts::AuthSession, model::Role, store};
use crate::{
    error::AppError,
    ids::{GroupId, PupilId, ReportId, UserId},
    ssr::{
        audit::{self, Audit},
        client_address, clock, db,
    },
};

/// The person making this request, reloaded from the database each time.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub id: UserId,
    pub role: Role,
    pub slt: bool,
    pub first_name: String,
    pub surname: String,
}

/// How far someone's reading reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Admins and SLT: every pupil and group.
    All,
    /// Teachers: groups assigned to them or created by them.
    OwnGroups,
    /// Parents: pupils they are linked to.
    LinkedPupils,
}

impl Reach {
    fn as_scope(self) -> &'static str {
        match self {
            Reach::All => "all",
            Reach::OwnGroups => "teacher",
            Reach::LinkedPupils => "parent",
        }
    }
}

/// Proof the viewer is an admin.
#[derive(Debug)]
pub struct AdminRights(());
/// Proof the viewer is staff (admin or teacher, SLT or not).
#[derive(Debug)]
pub struct StaffRights(());
/// Proof the viewer is SLT or an admin: School Usage.
#[derive(Debug)]
pub struct LeadershipRights(());
/// Proof the viewer is a parent (their account is active, or they'd be signed out).
#[derive(Debug)]
pub struct ParentRights(UserId);

impl ParentRights {
    pub fn parent(&self) -> UserId {
        self.0
    }
}

/// Proof the viewer may read this pupil.
#[derive(Debug, Clone, Copy)]
pub struct ReadablePupil(PupilId);

impl ReadablePupil {
    pub fn id(self) -> PupilId {
        self.0
    }
}

/// Proof the viewer may read this report: staff who may read its pupil, or
/// a parent linked to the pupil once it is published.
#[derive(Debug, Clone, Copy)]
pub struct ReadableReport {
    id: ReportId,
    pupil: PupilId,
    by_parent: bool,
}

impl ReadableReport {
    pub fn id(self) -> ReportId {
        self.id
    }

    pub fn pupil(self) -> PupilId {
        self.pupil
    }

    /// Read by a parent: their page shows their other children to switch to.
    pub fn by_parent(self) -> bool {
        self.by_parent
    }
}

/// Proof the viewer may write this report's comment: a teacher of its
/// group, or an admin.
#[derive(Debug, Clone, Copy)]
pub struct WritableReport {
    id: ReportId,
    viewer: UserId,
}

impl WritableReport {
    pub fn id(self) -> ReportId {
        self.id
    }

    /// Who is writing.
    pub fn viewer(self) -> UserId {
        self.viewer
    }
}

/// Proof the viewer may open this group's markbook: staff who teach it or
/// created it, SLT and admins. `can_edit` is false for SLT reading a group
/// they don't teach.
#[derive(Debug, Clone, Copy)]
pub struct OpenGroup {
    id: GroupId,
    viewer: UserId,
    can_edit: bool,
}

impl OpenGroup {
    pub fn id(&self) -> GroupId {
        self.id
    }

    pub fn can_edit(&self) -> bool {
        self.can_edit
    }

    /// Proof the viewer may change judgements of this group's pupils.
    pub fn to_write(self) -> anyhow::Result<WritableGroup> {
        if self.can_edit {
            Ok(WritableGroup {
                id: self.id,
                viewer: self.viewer,
            })
        } else {
            Err(AppError::Forbidden.into())
        }
    }
}

/// Proof the viewer may record judgements for this group's pupils.
#[derive(Debug, Clone, Copy)]
pub struct WritableGroup {
    id: GroupId,
    viewer: UserId,
}

impl WritableGroup {
    pub fn id(&self) -> GroupId {
        self.id
    }

    /// Who is recording.
    pub fn viewer(&self) -> UserId {
        self.viewer
    }
}

/// Proof the viewer may change a group itself (its name, teachers and
/// pupils): admins any group, teachers the groups they made.
#[derive(Debug, Clone, Copy)]
pub struct EditableGroup {
    id: GroupId,
    /// Admins choose a group's teachers and kind; a teacher's own group is a set they teach.
    pub by_admin: bool,
}

impl EditableGroup {
    pub fn id(&self) -> GroupId {
        self.id
    }
}

impl Viewer {
    /// The signed-in person, or `SignedOut`.
    pub async fn current() -> anyhow::Result<Viewer> {
        let auth: AuthSession = leptos_axum::extract()
            .await
            .map_err(|e| anyhow::anyhow!("reading the session: {e}"))?;
        Viewer::of(&auth)
    }

    /// The person signed in to this session, for the few routes that are
    /// plain axum handlers (downloads) rather than server functions.
    pub fn of(auth: &AuthSession) -> anyhow::Result<Viewer> {
        let account = auth.user.clone().ok_or(AppError::SignedOut)?;
        Ok(Viewer {
            id: account.id,
            role: account.role,
            slt: account.slt,
            first_name: account.first_name,
            surname: account.surname,
        })
    }

    pub fn reach(&self) -> Reach {
        match (self.role, self.slt) {
            (Role::Admin, _) | (Role::Teacher, true) => Reach::All,
            (Role::Teacher, false) => Reach::OwnGroups,
            (Role::Parent, _) => Reach::LinkedPupils,
        }
    }

    pub fn admin(&self) -> anyhow::Result<AdminRights> {
        match self.role {
            Role::Admin => Ok(AdminRights(())),
            _ => Err(AppError::Forbidden.into()),
        }
    }

    pub fn staff(&self) -> anyhow::Result<StaffRights> {
        match self.role {
            Role::Admin | Role::Teacher => Ok(StaffRights(())),
            Role::Parent => Err(AppError::Forbidden.into()),
        }
    }

    pub fn leadership(&self) -> anyhow::Result<LeadershipRights> {
        match (self.role, self.slt) {
            (Role::Admin, _) | (Role::Teacher, true) => Ok(LeadershipRights(())),
            _ => Err(AppError::Forbidden.into()),
        }
    }

    pub fn parent(&self) -> anyhow::Result<ParentRights> {
        match self.role {
            Role::Parent => Ok(ParentRights(self.id)),
            Role::Admin | Role::Teacher => Err(AppError::Forbidden.into()),
        }
    }

    /// Out of reach: the refusal goes in the audit log, and the answer is
    /// `NotFound`, so a refused id looks the same as one that doesn't exist.
    async fn out_of_reach<T>(
        &self,
        conn: &mut sqlx::SqliteConnection,
        at: &str,
        address: Option<&str>,
        what: &'static str,
        id: i64,
    ) -> anyhow::Result<T> {
        let denied = Audit::AccessDenied { what, id };
        audit::record(conn, at, Some(self.id), denied, address).await?;
        Err(AppError::NotFound.into())
    }

    /// A pupil the viewer may read. Out of reach answers `NotFound`, whether
    /// or not the pupil exists, and leaves a trace in the audit log.
    pub async fn pupil_to_read(&self, pupil: PupilId) -> anyhow::Result<ReadablePupil> {
        let mut conn = db()?.acquire().await?;
        if store::pupil_in_reach(&mut conn, pupil, self.reach().as_scope(), self.id).await? {
            return Ok(ReadablePupil(pupil));
        }
        let at = clock()?.stamp();
        let address = client_address().await;
        self.out_of_reach(&mut conn, &at, address.as_deref(), "pupil", pupil.0)
            .await
    }

    /// A report of this pupil the viewer may read. A parent reads only
    /// published reports of children linked to them, checked again on every
    /// request (a removed link or a deactivated account loses the report at
    /// once). Out of reach answers `NotFound`, whether or not the report
    /// exists, and leaves a trace in the audit log.
    pub async fn report_to_read(
        &self,
        pupil: PupilId,
        report: ReportId,
    ) -> anyhow::Result<ReadableReport> {
        let at = clock()?.stamp();
        let address = client_address().await;
        let mut conn = db()?.acquire().await?;
        let by_parent = self.role == Role::Parent;
        let readable = match store::report_published(&mut conn, report, pupil).await? {
            Some(published) if published || !by_parent => {
                store::pupil_in_reach(&mut conn, pupil, self.reach().as_scope(), self.id).await?
            }
            _ => false,
        };
        if readable {
            return Ok(ReadableReport {
                id: report,
                pupil,
                by_parent,
            });
        }
        self.out_of_reach(&mut conn, &at, address.as_deref(), "report", report.0)
            .await
    }

    /// A report whose comment the viewer may write: the markbook's rule for
    /// its group (teachers of the group and admins write; SLT who don't
    /// teach it only read). Out of reach is `NotFound` with an audit row.
    pub async fn report_to_write(
        &self,
        conn: &mut sqlx::SqliteConnection,
        report: ReportId,
    ) -> anyhow::Result<WritableReport> {
        self.staff()?;
        let at = clock()?.stamp();
        let address = client_address().await;
        let group = store::report_group(conn, report).await?;
        // A report with no group (a pupil in no class) is written by an admin.
        if group.is_none() && self.admin().is_ok() && store::report_exists(conn, report).await? {
            return Ok(WritableReport {
                id: report,
                viewer: self.id,
            });
        }
        let Some(group) = group else {
            return self
                .out_of_reach(conn, &at, address.as_deref(), "report", report.0)
                .await;
        };
        let open = self
            .group_to_open_at(conn, group, &at, address.as_deref())
            .await?;
        open.to_write()?;
        Ok(WritableReport {
            id: report,
            viewer: self.id,
        })
    }

    /// A group's markbook the viewer may open. Out of reach answers
    /// `NotFound`, whether or not the group exists, and leaves a trace in the
    /// audit log, as for pupils.
    pub async fn group_to_open(
        &self,
        conn: &mut sqlx::SqliteConnection,
        group: GroupId,
    ) -> anyhow::Result<OpenGroup> {
        let at = clock()?.stamp();
        let address = client_address().await;
        self.group_to_open_at(conn, group, &at, address.as_deref())
            .await
    }

    /// [`Viewer::group_to_open`] for plain axum handlers, which have no
    /// server-function context to read the time and address from.
    pub async fn group_to_open_at(
        &self,
        conn: &mut sqlx::SqliteConnection,
        group: GroupId,
        at: &str,
        address: Option<&str>,
    ) -> anyhow::Result<OpenGroup> {
        self.staff()?;
        let teaches = store::teaches_group(conn, group, self.id).await?;
        let open = match (teaches, self.reach()) {
            (Some(true), _) => Some(true),
            // Admins change any group's judgements; SLT read the ones they don't teach.
            (Some(false), Reach::All) => Some(self.role == Role::Admin),
            _ => None,
        };
        if let Some(can_edit) = open {
            return Ok(OpenGroup {
                id: group,
                viewer: self.id,
                can_edit,
            });
        }
        self.out_of_reach(conn, at, address, "group", group.0).await
    }

    /// A group the viewer may change, or `None` for a new one; staff only.
    /// A teacher's class (made by an admin) is `Forbidden`; a group out of
    /// reach is `NotFound`, with the audit trace `group_to_open` leaves.
    pub async fn group_to_edit(
        &self,
        conn: &mut sqlx::SqliteConnection,
        group: Option<GroupId>,
    ) -> anyhow::Result<Option<EditableGroup>> {
        self.staff()?;
        let by_admin = self.role == Role::Admin;
        let Some(group) = group else {
            return Ok(None);
        };
        self.group_to_open(conn, group).await?;
        if by_admin || store::created_group(conn, group, self.id).await? {
            Ok(Some(EditableGroup {
                id: group,
                by_admin,
            }))
        } else {
            Err(AppError::Forbidden.into())
        }
    }
}
