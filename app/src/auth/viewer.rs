//! Who is asking, and the checks that decide what they may see. Each check
//! returns a proof value whose constructor is private to this module, so a
//! query that needs a check takes the proof and can't be reached without it.

use std::ops::Deref;

use axum::{extract::FromRequestParts, http::request::Parts};

use super::{
    accounts::AuthSession,
    model::{Person, Role},
    store,
};
use crate::{
    error::AppError,
    ids::{GroupId, PupilId, ReportId, UserId},
    ssr::{
        audit::{self, Audit},
        db, AppState, Arrival, Write, WriteQueue,
    },
};

/// The person making this request, reloaded from the database each time,
/// with when and where from they asked.
#[derive(Debug, Clone)]
pub struct Viewer {
    person: Person,
    pub arrival: Arrival,
    /// Where this person's changes wait their turn, taken with the rest of
    /// the request's context before anything else runs.
    writer: WriteQueue,
}

impl Deref for Viewer {
    type Target = Person;

    fn deref(&self) -> &Person {
        &self.person
    }
}

/// Proof the viewer is an admin.
#[derive(Debug)]
pub struct AdminRights(());
/// Proof the viewer is staff (admin or teacher, SLT or not). It carries
/// who they are, so a query taking it reaches what they reach (the
/// `group_reach` and `pupil_reach` views) and nothing else.
#[derive(Debug)]
pub struct StaffRights {
    viewer: UserId,
    admin: bool,
}

impl StaffRights {
    /// Whose reach the queries taking this proof join through.
    pub fn viewer(&self) -> UserId {
        self.viewer
    }

    pub fn is_admin(&self) -> bool {
        self.admin
    }
}
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

    /// Who opened it.
    pub fn viewer(&self) -> UserId {
        self.viewer
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
        let arrival = Arrival::now().await?;
        Viewer::signed_in(&auth, arrival, crate::ssr::writer()?)
    }

    fn signed_in(
        auth: &AuthSession,
        arrival: Arrival,
        writer: WriteQueue,
    ) -> anyhow::Result<Viewer> {
        let account = auth.user.as_ref().ok_or(AppError::SignedOut)?;
        Ok(Viewer {
            person: account.person.clone(),
            arrival,
            writer,
        })
    }

    /// Begins a change by this person (see [`Write`]).
    pub async fn write(&self) -> anyhow::Result<Write> {
        Write::on(&self.writer, Some(self.id), &self.arrival).await
    }

    /// Begins a change by this person whose first step is `check`, the
    /// rule that allows it, inside the same transaction.
    pub async fn write_checked<P>(
        &self,
        check: impl AsyncFnOnce(&mut sqlx::SqliteConnection) -> anyhow::Result<P>,
    ) -> anyhow::Result<(Write, P)> {
        Write::checked(&self.writer, Some(self.id), &self.arrival, check).await
    }

    pub fn admin(&self) -> anyhow::Result<AdminRights> {
        match self.role {
            Role::Admin => Ok(AdminRights(())),
            _ => Err(AppError::Forbidden.into()),
        }
    }

    pub fn staff(&self) -> anyhow::Result<StaffRights> {
        match self.role {
            Role::Admin | Role::Teacher => Ok(StaffRights {
                viewer: self.id,
                admin: self.role == Role::Admin,
            }),
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

    /// The one way a refusal ends: out of reach goes in the audit log, and
    /// the answer is `NotFound`, so a refused id looks the same as one that
    /// doesn't exist. Inside a [`Write::checked`] the entry is kept.
    pub async fn out_of_reach<T>(
        &self,
        conn: &mut sqlx::SqliteConnection,
        what: &'static str,
        id: i64,
    ) -> anyhow::Result<T> {
        let denied = Audit::AccessDenied { what, id };
        let Arrival { at, address, .. } = &self.arrival;
        audit::record(conn, at, Some(self.id), denied, address.as_deref()).await?;
        Err(AppError::NotFound.into())
    }

    /// A pupil the viewer may read. Out of reach answers `NotFound`, whether
    /// or not the pupil exists, and leaves a trace in the audit log.
    pub async fn pupil_to_read(&self, pupil: PupilId) -> anyhow::Result<ReadablePupil> {
        let mut conn = db()?.acquire().await?;
        self.pupil_in(&mut conn, pupil).await
    }

    /// [`Viewer::pupil_to_read`] on a connection already open: inside a
    /// change, the check a [`Write::checked`] begins with.
    pub async fn pupil_in(
        &self,
        conn: &mut sqlx::SqliteConnection,
        pupil: PupilId,
    ) -> anyhow::Result<ReadablePupil> {
        if store::pupil_in_reach(conn, self.id, pupil).await? {
            return Ok(ReadablePupil(pupil));
        }
        self.out_of_reach(conn, "pupil", pupil.0).await
    }

    /// A report of this pupil the viewer may read. A parent reads only
    /// published reports of children linked to them, while parents see
    /// reports (School settings), checked again on every
    /// request (a removed link or a deactivated account loses the report at
    /// once). Out of reach answers `NotFound`, whether or not the report
    /// exists, and leaves a trace in the audit log.
    pub async fn report_to_read(
        &self,
        pupil: PupilId,
        report: ReportId,
    ) -> anyhow::Result<ReadableReport> {
        let mut conn = db()?.acquire().await?;
        let by_parent = self.role == Role::Parent;
        // Parents read reports only while the school shows them reports.
        let shown = !by_parent || crate::school::store::parent_areas(&mut conn).await?.reports;
        let readable = match store::report_published(&mut conn, report, pupil).await? {
            Some(published) if shown && (published || !by_parent) => {
                store::pupil_in_reach(&mut conn, self.id, pupil).await?
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
        self.out_of_reach(&mut conn, "report", report.0).await
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
        let group = store::report_group(conn, report).await?;
        // A report with no group (a pupil in no class) is written by an admin.
        if group.is_none() && self.admin().is_ok() && store::report_exists(conn, report).await? {
            return Ok(WritableReport {
                id: report,
                viewer: self.id,
            });
        }
        let Some(group) = group else {
            return self.out_of_reach(conn, "report", report.0).await;
        };
        self.group_to_open(conn, group).await?.to_write()?;
        Ok(WritableReport {
            id: report,
            viewer: self.id,
        })
    }

    /// A group's markbook the viewer may open: a group within their reach
    /// (the `group_reach` view), editable when they teach it or are an
    /// admin. Out of reach answers `NotFound`, whether or not the group
    /// exists, and leaves a trace in the audit log, as for pupils.
    pub async fn group_to_open(
        &self,
        conn: &mut sqlx::SqliteConnection,
        group: GroupId,
    ) -> anyhow::Result<OpenGroup> {
        self.staff()?;
        match store::group_in_reach(conn, self.id, group).await? {
            Some(teaches) => Ok(OpenGroup {
                id: group,
                viewer: self.id,
                // Admins change any group's judgements; SLT read the ones they don't teach.
                can_edit: teaches || self.role == Role::Admin,
            }),
            None => self.out_of_reach(conn, "group", group.0).await,
        }
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

/// Plain axum handlers (downloads, live streams) take a `Viewer` as they
/// take any extractor; refused, they answer as a server function would.
impl FromRequestParts<AppState> for Viewer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Viewer, AppError> {
        let auth = AuthSession::from_request_parts(parts, state)
            .await
            .map_err(|_| AppError::Unexpected)?;
        let arrival = Arrival::of(parts, &state.clock);
        Viewer::signed_in(&auth, arrival, state.writer.clone()).map_err(|e| {
            e.downcast_ref::<AppError>()
                .cloned()
                .unwrap_or(AppError::Unexpected)
        })
    }
}
