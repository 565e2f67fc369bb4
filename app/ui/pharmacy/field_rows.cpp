#include "ui/pharmacy/field_rows.h"

#include <QFormLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace openopd::app {

FieldRows::FieldRows(QFormLayout* form, QWidget* owner)
    : QObject(owner), m_form(form), m_owner(owner)
{}

void FieldRows::add(const QString& key, const QString& label, QWidget* field, const QString& hint)
{
    field->setObjectName(QStringLiteral("field_") + key);
    field->setAccessibleName(QString(label).remove(u'&').remove(u':'));
    field->setAccessibleDescription(hint);
    auto* caption = new QLabel(label, m_owner);
    caption->setBuddy(field);
    auto* error = new QLabel(m_owner);
    error->setObjectName(QStringLiteral("error_") + key);
    error->setWordWrap(true);
    error->setTextFormat(Qt::PlainText);
    error->setStyleSheet(QStringLiteral("color: #b00020;"));
    error->hide();
    auto* cell = new QVBoxLayout;
    cell->setSpacing(2);
    cell->addWidget(field);
    cell->addWidget(error);
    m_form->addRow(caption, cell);
    m_order.append(key);
    m_fields.insert(key, field);
    m_errors.insert(key, error);
    m_hints.insert(key, hint);
}

bool FieldRows::showError(const QString& key, const QString& message)
{
    QLabel* label = m_errors.value(key);
    if (!label)
        return false;
    label->setText(message);
    label->setVisible(!message.isEmpty());
    // A screen reader says the error with the field.
    const QString hint = m_hints.value(key);
    m_fields.value(key)->setAccessibleDescription(
        message.isEmpty() ? hint : (hint.isEmpty() ? message : QString(message + u' ' + hint)));
    return true;
}

void FieldRows::clearErrors()
{
    for (const QString& key : std::as_const(m_order))
        showError(key, {});
}

QString FieldRows::error(const QString& key) const
{
    const QLabel* label = m_errors.value(key);
    return label && !label->isHidden() ? label->text() : QString();
}

bool FieldRows::focusFirstError()
{
    for (const QString& key : std::as_const(m_order))
        if (!error(key).isEmpty()) {
            m_fields.value(key)->setFocus(Qt::OtherFocusReason);
            return true;
        }
    return false;
}

} // namespace openopd::app
