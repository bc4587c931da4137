import type { Strings } from './en.js';

export const de: Strings = {
  'app.title': 'Kennwort-Selbstbedienung',
  'app.skipToContent': 'Zum Inhalt springen',
  'app.language': 'Sprache',
  'app.loading': 'Wird geladen…',
  'app.backToMenu': 'Zurück zum Menü',

  'menu.title': 'Was möchten Sie tun?',
  'menu.intro': 'Verwalten Sie das Kennwort Ihres Firmenkontos selbst, jederzeit.',
  'menu.enroll.title': 'Registrieren',
  'menu.enroll.description': 'Richten Sie Ihre Sicherheitsfragen ein, damit Sie sich später selbst helfen können.',
  'menu.reset.title': 'Kennwort zurücksetzen',
  'menu.reset.description': 'Sie haben Ihr Kennwort vergessen.',
  'menu.unlock.title': 'Konto entsperren',
  'menu.unlock.description': 'Ihr Konto ist nach zu vielen falschen Kennwörtern gesperrt.',
  'menu.change.title': 'Kennwort ändern',
  'menu.change.description': 'Sie kennen Ihr Kennwort und möchten ein neues.',
  'menu.comingSoon': 'Demnächst verfügbar',

  'comingSoon.text': 'Diese Funktion ist noch nicht verfügbar. Sie wird dieser Seite bald hinzugefügt.',
  'comingSoon.meanwhile': 'Bis dahin wenden Sie sich bitte an Ihren Helpdesk, wenn Sie Hilfe mit Ihrem Konto brauchen.',

  'enroll.title': 'Für die Kennwort-Selbstbedienung registrieren',
  'enroll.intro':
    'Melden Sie sich mit Ihrem aktuellen Benutzernamen und Kennwort an und wählen und beantworten Sie dann {count} Sicherheitsfragen. Wenn Sie später Ihr Kennwort vergessen oder Ihr Konto gesperrt wird, können Sie sich mit diesen Antworten ausweisen.',
  'enroll.account.legend': 'Ihr Konto',
  'enroll.username': 'Benutzername',
  'enroll.username.hint': 'Ihr Windows-Anmeldename, zum Beispiel jsmith.',
  'enroll.username.required': 'Geben Sie Ihren Benutzernamen ein.',
  'enroll.password': 'Aktuelles Kennwort',
  'enroll.questions.legend': 'Sicherheitsfragen',
  'enroll.questions.hint':
    'Wählen Sie {count} verschiedene Fragen. Jede Antwort braucht mindestens {min} und höchstens {max} Zeichen, darf nicht aus einem wiederholten Zeichen bestehen oder die Frage selbst sein und muss sich von Ihren anderen Antworten unterscheiden. Groß- und Kleinschreibung sowie zusätzliche Leerzeichen spielen keine Rolle.',
  'enroll.question': 'Frage {number}',
  'enroll.question.placeholder': 'Frage auswählen…',
  'enroll.answer': 'Antwort {number}',
  'enroll.contacts.legend': 'Kontakt für Bestätigungscodes',
  'enroll.contacts.hint':
    'Wir können Ihnen beim Zurücksetzen des Kennworts einen Einmalcode an diese Adresse oder Nummer senden. Neue Kontakte müssen bestätigt werden, bevor sie verwendet werden.',
  'enroll.email': 'E-Mail-Adresse',
  'enroll.email.hint': 'Eine private Adresse, die Sie auch ohne Anmeldung erreichen, zum Beispiel name@example.com.',
  'enroll.phone': 'Mobilnummer',
  'enroll.phone.hint': 'Im internationalen Format, zum Beispiel +15550100001.',
  'enroll.optional': '(optional)',
  'enroll.required': '(erforderlich)',
  'enroll.submit': 'Registrieren',
  'enroll.submitting': 'Wird registriert…',
  'enroll.fixFields': 'Bitte korrigieren Sie die markierten Felder.',
  'enroll.problemItem': '{label}: {problem}',
  'enroll.networkError': 'Der Dienst ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
  'enroll.badCredentials.hint': 'Wenn Ihr Konto gesperrt ist, entsperren Sie es zuerst:',
  'enroll.badCredentials.unlock': 'Konto entsperren',
  'enroll.badCredentials.forgot': 'Kennwort vergessen?',
  'enroll.badCredentials.reset': 'Kennwort zurücksetzen',
  'enroll.retryAfterShort': 'Sie können es {when} erneut versuchen.',
  'enroll.retryAfter': 'Sie können es {when} erneut versuchen (um {time}).',

  'reason.DISABLED': 'Ihr Konto ist deaktiviert. Bitte wenden Sie sich an Ihren Helpdesk.',
  'reason.EXPIRED': 'Ihr Konto ist abgelaufen. Bitte wenden Sie sich an Ihren Helpdesk.',
  'reason.LOGON_HOURS':
    'Ihr Konto darf sich zu dieser Tageszeit nicht anmelden. Bitte versuchen Sie es innerhalb Ihrer erlaubten Anmeldezeiten erneut.',
  'reason.WORKSTATION':
    'Ihr Konto darf sich nur an bestimmten Computern anmelden und kann daher die Selbstbedienung nicht nutzen. Bitte wenden Sie sich an Ihren Helpdesk.',
  'reason.CANNOT_CHANGE_PASSWORD':
    'Ihr Konto darf sein eigenes Kennwort nicht ändern. Bitte wenden Sie sich an Ihren Helpdesk.',
  'reason.MUST_CHANGE_PASSWORD':
    'Sie müssen Ihr Kennwort ändern, bevor Sie sich registrieren können. Melden Sie sich dazu bei Windows an und kommen Sie dann zurück.',
  'reason.PASSWORD_EXPIRED':
    'Ihr Kennwort ist abgelaufen. Melden Sie sich bei Windows an, um es zu ändern, und registrieren Sie sich dann.',
  'reason.PROTECTED_ACCOUNT':
    'Konten mit Administratorrechten können die Selbstbedienung nicht nutzen. Bitte wenden Sie sich an Ihren Helpdesk.',
  'reason.NO_VERIFICATION_CHANNEL':
    'Die Selbstbedienung braucht eine bestätigte E-Mail-Adresse oder Mobilnummer für Codes, und Ihr Konto hat noch keine.',

  'success.title': 'Sie sind registriert',
  'success.text':
    'Ihre Sicherheitsfragen sind gespeichert. Wenn Sie Ihr Kennwort vergessen oder Ihr Konto gesperrt wird, kommen Sie auf diese Seite zurück und wählen Sie „Kennwort zurücksetzen“ oder „Konto entsperren“.',
  'success.questions': 'Ihre Fragen:',
  'success.pending': 'Neue Kontakte, die noch bestätigt werden müssen:',
  'success.pendingStatus': 'Bestätigung ausstehend',
  'success.channel.email': 'E-Mail',
  'success.channel.sms': 'Mobil (SMS)',
  'success.reenroll': 'Sie können sich jederzeit erneut registrieren, um Ihre Fragen oder Kontakte zu ändern.',

  'critical.title': 'Etwas ist schiefgelaufen',
  'critical.unavailableTitle': 'Der Dienst ist vorübergehend nicht verfügbar',
  'critical.reference':
    'Wenn das wiederholt passiert, wenden Sie sich an Ihren Helpdesk und nennen Sie diese Referenz:',
  'critical.tryAgain': 'Erneut versuchen',
};
