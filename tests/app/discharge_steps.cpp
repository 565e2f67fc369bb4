#include "discharge_steps.h"

#include "core/discharge/pending_releases_model.h"
#include "ui/command_outcome_bar.h"
#include "ui/discharge/discharge_panel.h"
#include "ui/discharge/discharge_workspace.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateEdit>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableView>
#include <QTest>

namespace openopd::testing::discharge {

namespace {

bool fail(QString* why, const QString& text)
{
    if (why)
        *why = text;
    return false;
}

template <class W> W* child(QWidget* parent, const char* name)
{
    return parent->findChild<W*>(QString::fromLatin1(name));
}

} // namespace

// Brings the workspace's tab to the front with the keyboard (Ctrl+Tab through the tabs)
// and gives it the keyboard.
void showWorkspace(QWidget* workspace)
{
    QTabWidget* tabs = nullptr;
    for (QWidget* w = workspace->parentWidget(); w && !tabs; w = w->parentWidget())
        tabs = qobject_cast<QTabWidget*>(w);
    for (int guard = 0; tabs && guard < tabs->count() && !workspace->isVisible(); ++guard)
        QTest::keyClick(tabs, Qt::Key_Tab, Qt::ControlModifier);
    workspace->setFocus();
}

bool waitForRelease(app::DischargeWorkspace* discharge, const QString& patientName,
                    QString* visitId, QString* why, int timeoutMs)
{
    const auto find = [&] {
        app::PendingReleasesModel* model = discharge->model();
        for (int row = 0; row < model->rowCount(); ++row)
            if (model->releaseAt(row).patientName == patientName) {
                if (visitId)
                    *visitId = model->releaseAt(row).visitId;
                return true;
            }
        return false;
    };
    if (!QTest::qWaitFor(find, timeoutMs))
        return fail(why, QStringLiteral("%1 never appeared ready for release").arg(patientName));
    return true;
}

bool recordDischarge(app::DischargeWorkspace* discharge, const QString& visitId,
                     const DischargeEntry& entry, QString* why, int timeoutMs)
{
    QTableView* table = discharge->table();
    app::DischargePanel* panel = discharge->panel();
    showWorkspace(discharge);
    if (!discharge->isVisible())
        return fail(why, QStringLiteral("the discharge workspace is not shown"));
    QTest::keyClick(table->window(), Qt::Key_W, Qt::ControlModifier);
    const int target = discharge->model()->rowOf(visitId);
    if (target < 0)
        return fail(why, QStringLiteral("the visit is not listed"));
    for (int guard = 0; guard < 1000 && table->currentIndex().row() != target; ++guard)
        QTest::keyClick(table, table->currentIndex().row() < target ? Qt::Key_Down : Qt::Key_Up);
    if (!panel->release() || panel->release()->visitId != visitId)
        return fail(why, QStringLiteral("the panel does not show the chosen visit"));
    if (!QTest::qWaitFor([&] { return panel->isSummaryLoaded(); }, timeoutMs))
        return fail(why, QStringLiteral("the visit's summary did not load"));
    QTest::keyClick(table, Qt::Key_Return); // to the form: the outcome
    auto* outcome = child<QComboBox>(panel, "outcome");
    auto* destination = child<QLineEdit>(panel, "destination");
    auto* medication = child<QListWidget>(panel, "postMedication");
    auto* notes = child<QPlainTextEdit>(panel, "dischargeNotes");
    auto* hasNext = child<QCheckBox>(panel, "hasNextVisit");
    auto* next = child<QDateEdit>(panel, "nextVisit");
    if (!outcome || !destination || !medication || !notes || !hasNext || !next)
        return fail(why, QStringLiteral("the discharge form is incomplete"));
    if (!outcome->hasFocus())
        return fail(why, QStringLiteral("Enter did not put the keyboard on the outcome"));
    QTest::keyClick(outcome, Qt::Key_Home);
    while (outcome->currentData().toInt() != int(entry.outcome) &&
           outcome->currentIndex() < outcome->count() - 1)
        QTest::keyClick(outcome, Qt::Key_Down);
    if (!entry.destination.isEmpty()) {
        destination->setFocus();
        QTest::keyClicks(destination, entry.destination);
    }
    if (entry.continueMedication) {
        medication->setFocus();
        for (int row = 0; row < medication->count(); ++row) {
            medication->setCurrentRow(row);
            QTest::keyClick(medication, Qt::Key_Space);
            if (medication->item(row)->checkState() != Qt::Checked)
                return fail(why, QStringLiteral("Space did not tick the medication line"));
        }
    }
    notes->setFocus();
    QTest::keyClicks(notes, entry.notes);
    if (entry.nextVisit.isValid()) {
        hasNext->setFocus();
        QTest::keyClick(hasNext, Qt::Key_Space);
        next->setFocus();
        next->setDate(entry.nextVisit); // the date edit's sections are typed per locale
    }
    QSignalSpy recorded(panel, &app::DischargePanel::recorded);
    QTest::keyClick(notes, Qt::Key_R, Qt::AltModifier); // "&Record and close the visit"
    if (!QTest::qWaitFor([&] { return !recorded.isEmpty(); }, timeoutMs))
        return fail(why, QStringLiteral("not recorded: %1 %2 %3")
                             .arg(panel->outcomeBar()->text(),
                                  panel->fieldError(QStringLiteral("destination")),
                                  panel->fieldError(QStringLiteral("next_visit"))));
    if (!QTest::qWaitFor([&] { return discharge->model()->rowOf(visitId) < 0; }, timeoutMs))
        return fail(why, QStringLiteral("the visit did not leave the pending releases"));
    return true;
}

bool saveSummary(app::DischargeWorkspace* discharge, const QString& path, QString* why,
                 int timeoutMs)
{
    app::DischargePanel* panel = discharge->panel();
    if (!panel->isRecorded())
        return fail(why, QStringLiteral("no discharge recorded on the panel"));
    QSignalSpy saved(panel, &app::DischargePanel::summarySaved);
    QSignalSpy failed(panel, &app::DischargePanel::summarySaveFailed);
    panel->saveSummaryTo(path);
    if (!QTest::qWaitFor([&] { return !saved.isEmpty() || !failed.isEmpty(); }, timeoutMs))
        return fail(why, QStringLiteral("the summary was not written"));
    if (!failed.isEmpty())
        return fail(why, failed.at(0).at(1).toString());
    return true;
}

QString pdfText(const QString& path)
{
    QProcess process;
    process.start(QStringLiteral("pdftotext"),
                  {QStringLiteral("-layout"), path, QStringLiteral("-")});
    if (!process.waitForFinished(30000) || process.exitCode() != 0)
        return {};
    return QString::fromUtf8(process.readAllStandardOutput());
}

} // namespace openopd::testing::discharge
