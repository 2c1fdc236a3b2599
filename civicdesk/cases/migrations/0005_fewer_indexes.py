"""Fewer indexes on cases (each is written at every intake): none repeating another's first
column, no LIKE twins nothing searches with, partial ones for links most cases lack.

On SQLite, altering a column rebuilds the table, which drops the triggers that keep the
full-text table (0004) in step: they are made again after, in both directions."""

import importlib

import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


SEARCH = importlib.import_module("civicdesk.cases.migrations.0004_case_search_index")


def search_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in SEARCH.SQLITE_BACKWARD[:3]:  # the triggers, not the table
        schema_editor.execute(sql)
    for sql in SEARCH.SQLITE_FORWARD[1:]:  # the triggers, then a rebuild of the table
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_case_search_index'),
        ('organisations', '0002_hours_may_be_blank'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, search_triggers, elidable=False),
        migrations.AlterField(
            model_name='case',
            name='agency',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='organisations.agency'),
        ),
        migrations.AlterField(
            model_name='case',
            name='contact_email',
            field=models.EmailField(blank=True, max_length=254, verbose_name='email'),
        ),
        migrations.AlterField(
            model_name='case',
            name='contact_phone',
            field=models.CharField(blank=True, max_length=30, verbose_name='phone'),
        ),
        migrations.AlterField(
            model_name='case',
            name='coordinating_case',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='parts', to='cases.case'),
        ),
        migrations.AlterField(
            model_name='case',
            name='department',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='cases', to='organisations.department'),
        ),
        migrations.AlterField(
            model_name='case',
            name='email_message_id',
            field=models.CharField(blank=True, max_length=500, null=True),
        ),
        migrations.AlterField(
            model_name='case',
            name='idempotency_key',
            field=models.CharField(blank=True, max_length=200, null=True),
        ),
        migrations.AlterField(
            model_name='case',
            name='merged_into',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merged_cases', to='cases.case'),
        ),
        migrations.AlterField(
            model_name='case',
            name='possible_duplicate_of',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='cases.case'),
        ),
        migrations.AlterField(
            model_name='case',
            name='status',
            field=models.CharField(choices=[('new', 'New'), ('acknowledged', 'Acknowledged'), ('in_progress', 'In progress'), ('awaiting_citizen', 'Waiting for your reply'), ('resolved', 'Resolved'), ('closed', 'Closed')], default='new', max_length=20, verbose_name='status'),
        ),
        migrations.AlterField(
            model_name='casemessage',
            name='email_message_id',
            field=models.CharField(blank=True, max_length=500, null=True),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(django.db.models.functions.text.Upper('contact_email'), condition=models.Q(('contact_email', ''), _negated=True), name='case_contact_email_upper'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('contact_phone', ''), _negated=True), fields=['contact_phone'], name='case_contact_phone'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('coordinating_case__isnull', False)), fields=['coordinating_case'], name='case_coordinating_idx'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('merged_into__isnull', False)), fields=['merged_into'], name='case_merged_into_idx'),
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(condition=models.Q(('possible_duplicate_of__isnull', False)), fields=['possible_duplicate_of'], name='case_possible_dup_idx'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.UniqueConstraint(condition=models.Q(('idempotency_key__isnull', False)), fields=('idempotency_key',), name='case_idempotency_key_unique'),
        ),
        migrations.AddConstraint(
            model_name='case',
            constraint=models.UniqueConstraint(condition=models.Q(('email_message_id__isnull', False)), fields=('email_message_id',), name='case_email_message_id_unique'),
        ),
        migrations.AddConstraint(
            model_name='casemessage',
            constraint=models.UniqueConstraint(condition=models.Q(('email_message_id__isnull', False)), fields=('email_message_id',), name='message_email_message_id_unique'),
        ),
        migrations.RunPython(search_triggers, migrations.RunPython.noop, elidable=False),
]
