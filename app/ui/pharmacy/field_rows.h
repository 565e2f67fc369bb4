#pragma once

// Form rows of the pharmacy's stock dialogs: each field with its label (the field is the
// label's buddy, so Alt+key and screen readers find it) and an error line under it for the
// client's and the service's messages (keys are the protocol's field names, "drug_code").

#include <QHash>
#include <QStringList>
#include <QWidget>

class QFormLayout;
class QLabel;

namespace openopd::app {

class FieldRows final : public QObject
{
    Q_OBJECT
public:
    FieldRows(QFormLayout* form, QWidget* owner);

    // Adds "label  field / error" (label with its & mnemonic); the field's object name
    // becomes "field_<key>", the error's "error_<key>".
    void add(const QString& key, const QString& label, QWidget* field, const QString& hint = {});
    // Shows message under the field (empty hides it); false for an unknown key.
    bool showError(const QString& key, const QString& message);
    void clearErrors();
    QString error(const QString& key) const;
    QWidget* field(const QString& key) const { return m_fields.value(key); }
    bool focusFirstError();

private:
    QFormLayout* m_form;
    QWidget* m_owner;
    QStringList m_order;
    QHash<QString, QWidget*> m_fields;
    QHash<QString, QLabel*> m_errors;
    QHash<QString, QString> m_hints;
};

} // namespace openopd::app
