#include "ui/lab/lab_order_panel.h"

#include "core/command.h"
#include "core/error_text.h"
#include "core/lab/lab_commands.h"
#include "core/lab/lab_orders_model.h"
#include "ui/command_outcome_bar.h"
#include "ui/error_label.h"

#include <QApplication>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace openopd::app {

using protocol::LabFlag;
using protocol::LabOrderState;

namespace {

QString flagText(LabFlag flag)
{
    switch (flag) {
    case LabFlag::Normal:
        return LabOrderPanel::tr("Normal");
    case LabFlag::Abnormal:
        return LabOrderPanel::tr("Abnormal");
    case LabFlag::Critical:
        return LabOrderPanel::tr("Critical");
    }
    return {};
}

// A field with its label (buddy: Alt+letter reaches it) and its error line under it.
template <class W>
W* addField(QFormLayout* form, W* field, const QString& objectName, const QString& label,
            const QString& accessibleName)
{
    field->setObjectName(objectName);
    field->setAccessibleName(accessibleName);
    auto* text = new QLabel(label, field->parentWidget());
    text->setBuddy(field);
    form->addRow(text, field);
    return field;
}

} // namespace

LabOrderPanel::LabOrderPanel(Session& session, QWidget* parent)
    : QWidget(parent), m_session(session)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_title = new QLabel(tr("Choose an order from the list."), this);
    m_title->setObjectName(QStringLiteral("orderTitle"));
    m_title->setWordWrap(true);
    QFont bold = m_title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    m_title->setFont(bold);
    layout->addWidget(m_title);
    m_details = new QLabel(this);
    m_details->setObjectName(QStringLiteral("orderDetails"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_details);

    // Sample.
    m_sampleBox = new QGroupBox(tr("Sample"), this);
    auto* sampleForm = new QFormLayout(m_sampleBox);
    m_sampleId = addField(sampleForm, new QLineEdit(m_sampleBox), QStringLiteral("sampleId"),
                          tr("Sample &id (tube label):"), tr("Sample id"));
    m_sampleId->setPlaceholderText(tr("optional"));
    m_sampleId->setMaxLength(40);
    sampleForm->addRow(addErrorLabel(QStringLiteral("sample_id"), tr("Sample id problem")));
    m_collect = new QPushButton(tr("Mark sample &collected"), m_sampleBox);
    m_collect->setObjectName(QStringLiteral("collectSample"));
    sampleForm->addRow(m_collect);
    layout->addWidget(m_sampleBox);

    // Result.
    m_resultBox = new QGroupBox(tr("Result"), this);
    auto* resultForm = new QFormLayout(m_resultBox);
    m_value = addField(resultForm, new QLineEdit(m_resultBox), QStringLiteral("resultValue"),
                       tr("&Value:"), tr("Result value"));
    resultForm->addRow(addErrorLabel(QStringLiteral("value"), tr("Result value problem")));
    m_unit = addField(resultForm, new QLineEdit(m_resultBox), QStringLiteral("resultUnit"),
                      tr("&Unit:"), tr("Unit"));
    resultForm->addRow(addErrorLabel(QStringLiteral("unit"), tr("Unit problem")));
    m_range = addField(resultForm, new QLineEdit(m_resultBox), QStringLiteral("referenceRange"),
                       tr("&Reference range:"), tr("Reference range"));
    resultForm->addRow(
        addErrorLabel(QStringLiteral("reference_range"), tr("Reference range problem")));
    m_flag = addField(resultForm, new QComboBox(m_resultBox), QStringLiteral("resultFlag"),
                      tr("Fla&g:"), tr("Flag"));
    for (LabFlag flag : {LabFlag::Normal, LabFlag::Abnormal, LabFlag::Critical})
        m_flag->addItem(flagText(flag), int(flag));
    m_notes = addField(resultForm, new QPlainTextEdit(m_resultBox), QStringLiteral("resultNotes"),
                       tr("&Notes:"), tr("Result notes"));
    m_notes->setTabChangesFocus(true);
    m_notes->setFixedHeight(fontMetrics().lineSpacing() * 3 + 12);
    resultForm->addRow(addErrorLabel(QStringLiteral("notes"), tr("Notes problem")));
    m_save = new QPushButton(tr("&Save result"), m_resultBox);
    m_save->setObjectName(QStringLiteral("saveResult"));
    resultForm->addRow(m_save);
    layout->addWidget(m_resultBox);

    m_outcome = new CommandOutcomeBar(this);
    layout->addWidget(m_outcome);
    layout->addStretch();

    // A problem shown under a field goes once the field is changed.
    const auto clearOnEdit = [this](QLineEdit* edit, const QString& field) {
        connect(edit, &QLineEdit::textEdited, this, [this, field] {
            if (QLabel* label = m_errors.value(field))
                label->hide();
        });
    };
    clearOnEdit(m_sampleId, QStringLiteral("sample_id"));
    clearOnEdit(m_value, QStringLiteral("value"));
    clearOnEdit(m_unit, QStringLiteral("unit"));
    clearOnEdit(m_range, QStringLiteral("reference_range"));
    connect(m_notes, &QPlainTextEdit::textChanged, this, [this] {
        if (QLabel* label = m_errors.value(QStringLiteral("notes")))
            label->hide();
    });
    connect(m_collect, &QPushButton::clicked, this, &LabOrderPanel::collectSample);
    connect(m_sampleId, &QLineEdit::returnPressed, this, &LabOrderPanel::collectSample);
    connect(m_save, &QPushButton::clicked, this, &LabOrderPanel::saveResult);
    for (QLineEdit* edit : {m_value, m_unit, m_range})
        connect(edit, &QLineEdit::returnPressed, this, &LabOrderPanel::saveResult);
    refreshEnabled();
}

QLabel* LabOrderPanel::addErrorLabel(const QString& field, const QString& description)
{
    QLabel* label = makeErrorLabel(this, description);
    label->setObjectName(field + QStringLiteral("Error"));
    m_errors.insert(field, label);
    return label;
}

QString LabOrderPanel::fieldError(const QString& field) const
{
    QLabel* label = m_errors.value(field);
    return label && !label->isHidden() ? label->text() : QString();
}

void LabOrderPanel::showProblems(const QHash<QString, QString>& problems)
{
    for (auto it = m_errors.cbegin(); it != m_errors.cend(); ++it) {
        const QString problem = problems.value(it.key());
        it.value()->setText(problem);
        it.value()->setVisible(!problem.isEmpty());
    }
}

void LabOrderPanel::setOrder(const std::optional<protocol::LabOrder>& order)
{
    const bool sameOrder = order && m_order && order->id == m_order->id;
    // The sample was just collected where the keyboard is: it moves on to the result.
    const bool collectedHere = sameOrder && m_order->state == LabOrderState::Ordered &&
                               order->state == LabOrderState::Collected &&
                               m_sampleBox->isAncestorOf(QApplication::focusWidget());
    m_order = order;
    if (!sameOrder) {
        m_sampleId->clear();
        m_value->clear();
        m_unit->clear();
        m_range->clear();
        m_flag->setCurrentIndex(0);
        m_notes->clear();
        showProblems({});
        if (!m_command || m_command->phase() == Command::Phase::Succeeded)
            m_outcome->clear();
    }
    if (!order) {
        m_title->setText(tr("Choose an order from the list."));
        m_details->clear();
    } else {
        m_title->setText(tr("%1 — %2").arg(order->patientName, order->test.testName));
        QStringList lines;
        if (order->test.urgent)
            lines << tr("Urgent.");
        if (!order->test.specimen.isEmpty())
            lines << tr("Specimen: %1").arg(order->test.specimen);
        lines << tr("Ordered %1 by %2")
                     .arg(QLocale().toString(order->orderedAt.toLocalTime(), QLocale::ShortFormat),
                          order->orderedBy.name);
        if (!order->test.notes.isEmpty())
            lines << tr("Doctor's note: %1").arg(order->test.notes);
        lines << tr("State: %1").arg(LabOrdersModel::stateText(order->state));
        if (!order->sampleId.isEmpty())
            lines << tr("Sample id: %1").arg(order->sampleId);
        m_details->setText(lines.join(u'\n'));
    }
    refreshEnabled();
    if (collectedHere)
        m_value->setFocus();
}

Command* LabOrderPanel::command() const
{
    return m_command;
}

bool LabOrderPanel::isBusy() const
{
    return m_command && (m_command->phase() == Command::Phase::Sending ||
                         m_command->phase() == Command::Phase::Checking);
}

// The buttons stay enabled while a command runs (the keyboard would leave a disabled one);
// collectSample() and saveResult() ignore them then.
void LabOrderPanel::refreshEnabled()
{
    // The result first: the keyboard leaving a disabled sample field finds it enabled.
    m_resultBox->setEnabled(m_order && m_order->state == LabOrderState::Collected);
    m_sampleBox->setEnabled(m_order && m_order->state == LabOrderState::Ordered);
}

void LabOrderPanel::focusNextStep()
{
    if (!m_order)
        return;
    if (m_order->state == LabOrderState::Ordered)
        m_sampleId->setFocus();
    else
        m_value->setFocus();
}

void LabOrderPanel::follow(Command* command, const QString& action, bool result)
{
    if (m_command && m_command->phase() != Command::Phase::Sending &&
        m_command->phase() != Command::Phase::Checking)
        m_command->deleteLater();
    m_command = command;
    m_outcome->follow(command, action);
    const QString orderId = m_order->id;
    connect(command, &Command::phaseChanged, this, [this] { refreshEnabled(); });
    const auto finished = [this, orderId, result] {
        if (result)
            Q_EMIT resultEntered(orderId);
        else
            Q_EMIT sampleCollected(orderId);
    };
    connect(command, &Command::succeeded, this, finished);
    connect(command, &Command::checked, this, [finished](const OutcomeCheck& check) {
        if (check.verdict == OutcomeCheck::Verdict::Done)
            finished();
    });
    connect(command, &Command::failed, this, [this](const bus::BusError& error) {
        if (!error.field.isEmpty()) // the service refused a field: say it under the field
            showProblems({{labResultField(error.field), userText(error)}});
    });
    command->start();
    refreshEnabled();
}

void LabOrderPanel::collectSample()
{
    if (!m_order || m_order->state != LabOrderState::Ordered || isBusy())
        return;
    const QString sampleId = m_sampleId->text().trimmed();
    const QString problem = sampleIdProblem(sampleId);
    showProblems(problem.isEmpty()
                     ? QHash<QString, QString>{}
                     : QHash<QString, QString>{{QStringLiteral("sample_id"), problem}});
    if (!problem.isEmpty())
        return m_sampleId->setFocus();
    bus::Connection* connection = m_session.connection();
    if (!connection)
        return;
    protocol::CollectSampleRequest request;
    request.staff = m_session.principal().actingAs({protocol::StaffRole::LabTechnician});
    request.orderId = m_order->id;
    request.sampleId = sampleId;
    follow(collectSampleCommand(*connection, request, *m_order, this),
           tr("Marking the sample for %1 collected").arg(m_order->test.testName), false);
}

void LabOrderPanel::saveResult()
{
    if (!m_order || m_order->state != LabOrderState::Collected || isBusy())
        return;
    protocol::LabResultEntry entry;
    entry.value = m_value->text().trimmed();
    entry.unit = m_unit->text().trimmed();
    entry.referenceRange = m_range->text().trimmed();
    entry.flag = LabFlag(m_flag->currentData().toInt());
    entry.notes = m_notes->toPlainText().trimmed();
    const QHash<QString, QString> problems = labResultProblems(entry);
    showProblems(problems);
    if (!problems.isEmpty()) {
        // The keyboard goes to the first field with a problem.
        for (const auto& [field, widget] :
             {std::pair<QString, QWidget*>{QStringLiteral("value"), m_value},
              {QStringLiteral("unit"), m_unit},
              {QStringLiteral("reference_range"), m_range},
              {QStringLiteral("notes"), m_notes}})
            if (problems.contains(field))
                return widget->setFocus();
        return;
    }
    bus::Connection* connection = m_session.connection();
    if (!connection)
        return;
    protocol::EnterLabResultRequest request;
    request.staff = m_session.principal().actingAs({protocol::StaffRole::LabTechnician});
    request.orderId = m_order->id;
    request.result = entry;
    follow(enterLabResultCommand(*connection, request, *m_order, this),
           tr("Saving the result of %1").arg(m_order->test.testName), true);
}

} // namespace openopd::app
