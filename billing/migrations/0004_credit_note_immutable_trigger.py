"""An issued or void credit note is a legal document: PostgreSQL refuses any change to its money,
number, snapshot or lines, whatever code path tries. The service layer checks the same rule;
SQLite (the embedded default) relies on that check alone."""

from django.db import migrations

CREATE_SQL = """
CREATE OR REPLACE FUNCTION billing_credit_note_refuse_change() RETURNS trigger AS $$
BEGIN
    IF OLD.status IN ('issued', 'void') THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'credit note % is % and cannot be deleted', OLD.id, OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF NEW.net IS DISTINCT FROM OLD.net OR NEW.tax IS DISTINCT FROM OLD.tax
           OR NEW.total IS DISTINCT FROM OLD.total OR NEW.tax_rate IS DISTINCT FROM OLD.tax_rate
           OR NEW.currency IS DISTINCT FROM OLD.currency OR NEW.number IS DISTINCT FROM OLD.number
           OR NEW.issue_date IS DISTINCT FROM OLD.issue_date OR NEW.issued_at IS DISTINCT FROM OLD.issued_at
           OR NEW.snapshot IS DISTINCT FROM OLD.snapshot OR NEW.partner_id IS DISTINCT FROM OLD.partner_id
           OR NEW.giving_account_id IS DISTINCT FROM OLD.giving_account_id
           OR NEW.order_id IS DISTINCT FROM OLD.order_id THEN
            RAISE EXCEPTION 'credit note % is % and its money fields cannot change', OLD.id, OLD.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        IF OLD.status = 'void' AND NEW.status <> 'void'
           OR OLD.status = 'issued' AND NEW.status NOT IN ('issued', 'void') THEN
            RAISE EXCEPTION 'credit note % cannot go from % to %', OLD.id, OLD.status, NEW.status
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER billing_credit_note_immutable
    BEFORE UPDATE OR DELETE ON billing_creditnote
    FOR EACH ROW EXECUTE FUNCTION billing_credit_note_refuse_change();

CREATE OR REPLACE FUNCTION billing_credit_note_line_refuse_change() RETURNS trigger AS $$
DECLARE
    note_status text;
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT status INTO note_status FROM billing_creditnote WHERE id = NEW.credit_note_id;
    ELSE
        SELECT status INTO note_status FROM billing_creditnote WHERE id = OLD.credit_note_id;
    END IF;
    IF note_status IN ('issued', 'void') THEN
        RAISE EXCEPTION 'the lines of an % credit note cannot change', note_status
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER billing_credit_note_line_immutable
    BEFORE INSERT OR UPDATE OR DELETE ON billing_creditnoteline
    FOR EACH ROW EXECUTE FUNCTION billing_credit_note_line_refuse_change();
"""

DROP_SQL = """
DROP TRIGGER IF EXISTS billing_credit_note_line_immutable ON billing_creditnoteline;
DROP FUNCTION IF EXISTS billing_credit_note_line_refuse_change();
DROP TRIGGER IF EXISTS billing_credit_note_immutable ON billing_creditnote;
DROP FUNCTION IF EXISTS billing_credit_note_refuse_change();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE_SQL, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_SQL, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ("billing", "0003_credit_note_issue_bookkeeping"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers),
    ]
