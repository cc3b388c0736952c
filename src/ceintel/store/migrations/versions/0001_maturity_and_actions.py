"""Maturity self-assessment rounds and answers; action plans, actions and their update history.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "maturity_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(40), nullable=False),
        sa.Column("questionnaire_version", sa.String(40), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_maturity_round"),
        sa.UniqueConstraint("label", name="uq_maturity_round_label"),
    )
    op.create_table(
        "maturity_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(200), nullable=False),
        sa.Column("item_id", sa.String(80), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("evidence_note", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.String(200), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("level BETWEEN 1 AND 5", name="ck_maturity_answer_level_1_to_5"),
        sa.ForeignKeyConstraint(["round_id"], ["maturity_round.id"], ondelete="CASCADE",
                                name="fk_maturity_answer_round_id_maturity_round"),
        sa.PrimaryKeyConstraint("id", name="pk_maturity_answer"),
        sa.UniqueConstraint("round_id", "agency", "item_id", name="uq_maturity_answer_round_agency_item"),
    )
    op.create_index("ix_maturity_answer_round_id", "maturity_answer", ["round_id"])
    op.create_index("ix_maturity_answer_agency", "maturity_answer", ["agency"])
    op.create_table(
        "action_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(20), nullable=False),
        sa.Column("agency", sa.String(200), nullable=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("(scope = 'partnership' AND agency IS NULL) OR (scope = 'agency' AND agency IS NOT NULL)",
                           name="ck_action_plan_scope_matches_agency"),
        sa.PrimaryKeyConstraint("id", name="pk_action_plan"),
        sa.UniqueConstraint("scope", "agency", name="uq_action_plan_scope_agency"),
    )
    op.create_table(
        "action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("why", sa.Text(), nullable=True),
        sa.Column("owner", sa.String(200), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("maturity_item_id", sa.String(80), nullable=True),
        sa.Column("indicator_id", sa.String(80), nullable=True),
        sa.Column("suggestion_key", sa.String(300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('not_started', 'in_progress', 'done', 'dropped')",
                           name="ck_action_known_status"),
        sa.ForeignKeyConstraint(["plan_id"], ["action_plan.id"], ondelete="CASCADE",
                                name="fk_action_plan_id_action_plan"),
        sa.PrimaryKeyConstraint("id", name="pk_action"),
    )
    op.create_index("ix_action_plan_id", "action", ["plan_id"])
    op.create_index("ix_action_suggestion_key", "action", ["suggestion_key"])
    op.create_table(
        "action_update",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("by", sa.String(200), nullable=True),
        sa.Column("old_status", sa.String(20), nullable=True),
        sa.Column("new_status", sa.String(20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["action_id"], ["action.id"], ondelete="CASCADE",
                                name="fk_action_update_action_id_action"),
        sa.PrimaryKeyConstraint("id", name="pk_action_update"),
    )
    op.create_index("ix_action_update_action_id", "action_update", ["action_id"])


def downgrade() -> None:
    op.drop_table("action_update")
    op.drop_table("action")
    op.drop_table("action_plan")
    op.drop_table("maturity_answer")
    op.drop_table("maturity_round")
