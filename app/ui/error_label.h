#pragma once

// The red message under a form that says what went wrong (sign-in, first administrator, the
// standalone clinic's start): selectable, wrapped, hidden until there is something to say.
// description is what a screen reader says the label is about (its text is read as is).

#include <QLabel>

namespace openopd::app {

inline QLabel* makeErrorLabel(QWidget* parent, const QString& description)
{
    auto* label = new QLabel(parent);
    label->setObjectName(QStringLiteral("error"));
    label->setAccessibleDescription(description);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setStyleSheet(QStringLiteral("color: palette(bright-text); background: #b00020; "
                                        "padding: 6px; border-radius: 3px;"));
    label->hide();
    return label;
}

} // namespace openopd::app
