/*
 * Corrections to the Russian of the story editor (CKEditor 5).
 *
 * The translation shipped with django-ckeditor-5 (dist/translations/ru.js) is
 * complete; these few strings were wrong in meaning or spelling. Loaded after it,
 * for the admin in Russian.
 */
(function (translations) {
  "use strict";
  const ru = (translations.ru = translations.ru || {});
  ru.dictionary = Object.assign(ru.dictionary || {}, {
    // "Исходный код" was used for the inline code style, "Источник" for source code.
    "Code": "Код",
    "Source": "Исходный код",
    "Show source": "Показать исходный код",
    "Paste content as plain text": "Вставить содержимое как обычный текст",
    "Leaving %0 code snippet": "Выход из фрагмента кода %0",
    "Leaving code snippet": "Выход из фрагмента кода",
    "Leaving a to-do list": "Выход из списка задач",
    "Open media in new tab": "Открыть медиа в новой вкладке",
    "Move the caret to allow typing directly before a widget": "Переместить курсор, чтобы можно было вводить текст непосредственно перед виджетом",
    "Move focus from an editable area back to the parent widget": "Переместить фокус из редактируемой области обратно на родительский виджет",
    "Choose heading": "Выберите заголовок",
    "Heading": "Заголовок"
  });
})(window.CKEDITOR_TRANSLATIONS || (window.CKEDITOR_TRANSLATIONS = {}));
