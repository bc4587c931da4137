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
  'critical.reference': 'Ihre Referenz für den Helpdesk:',
  'critical.tryAgain': 'Erneut versuchen',

  'helpdesk.contact': 'Ihren IT-Helpdesk',
  'idle.cleared': 'Zum Schutz Ihrer Daten wurde die Seite nach 5 Minuten ohne Eingabe geleert. Bitte beginnen Sie neu.',
  'error.notEnrolled': 'Für die Selbstbedienung brauchen Sie zuerst Ihre Sicherheitsfragen:',
  'error.tryLater': 'Bitte versuchen Sie es später erneut.',

  'flow.username.title': 'Wer sind Sie?',
  'flow.reset.intro':
    'Geben Sie Ihren Benutzernamen ein. Danach bestätigen Sie in einem oder mehreren Schritten, wer Sie sind, zum Beispiel mit Ihren Sicherheitsfragen, einer Authenticator-App, einem Wiederherstellungscode oder einem Code, den wir Ihnen senden, und wählen ein neues Kennwort.',
  'flow.unlock.intro':
    'Geben Sie Ihren Benutzernamen ein. Danach bestätigen Sie in einem oder mehreren Schritten, wer Sie sind, zum Beispiel mit Ihren Sicherheitsfragen, einer Authenticator-App, einem Wiederherstellungscode oder einem Code, den wir Ihnen senden; dann wird Ihr Konto entsperrt, Ihr Kennwort bleibt gleich.',
  'flow.continue': 'Weiter',
  'flow.working': 'Bitte warten…',
  'flow.checking': 'Wird geprüft…',
  'flow.cancel': 'Abbrechen',
  'flow.restarted':
    'Die Schritte sind durcheinandergeraten, daher beginnen wir neu. Bitte geben Sie Ihren Benutzernamen ein.',
  // Der verwendete Name auf jedem Schritt und was der erste Schritt ist (Issue 16, Punkt 4).
  'flowName.reset': 'Sie setzen das Kennwort von {username} zurück.',
  'flowName.unlock': 'Sie entsperren das Konto von {username}.',
  'flowName.notYou': 'Nicht Sie? Neu beginnen',
  'firstStep.question': 'Das sind die Fragen, die Sie beim Einrichten der Kennwortrücksetzung gewählt haben.',
  'firstStep.choose': 'Das sind die Wege, die Sie beim Einrichten der Kennwortrücksetzung hinzugefügt haben.',
  'firstStep.code':
    'Der Code geht an einen für diesen Namen hinterlegten Kontakt: einen, den Sie beim Einrichten angegeben haben, oder einen, den Ihre Organisation führt.',
  'firstStep.authenticator':
    'Das ist die Authenticator-App, die Sie beim Einrichten der Kennwortrücksetzung hinzugefügt haben.',
  'firstStep.recoveryCode':
    'Das sind die Wiederherstellungscodes, die Sie beim Einrichten der Kennwortrücksetzung gespeichert haben.',
  'firstStep.passkey': 'Das ist ein Passkey, den Sie beim Einrichten der Kennwortrücksetzung hinzugefügt haben.',
  'firstStep.never':
    'Nie eingerichtet, oder unsicher, ob der Name stimmt? Prüfen Sie den Namen oben oder wenden Sie sich an {helpdesk}: Dort kann man Sie auf anderem Weg bestätigen.',
  'firstStep.setUp':
    'Sobald Sie sich wieder anmelden können, richten Sie die Kennwortrücksetzung unter „{setup}“ ein, damit Sie sich nächstes Mal selbst helfen können.',
  'flow.question.title': 'Frage {index} von {of}',
  'flow.question.intro':
    'Antworten Sie wie bei der Registrierung. Groß- und Kleinschreibung und zusätzliche Leerzeichen spielen keine Rolle.',

  'code.title': 'Mit einem Code bestätigen',
  'code.intro': 'Wählen Sie, wohin wir einen Einmalcode senden sollen, und senden Sie ihn.',
  'code.introSent': 'Geben Sie den gesendeten Code ein. Kommt er nicht an, können Sie einen neuen anfordern.',
  'code.channels': 'Code senden an',
  'code.channelLabel': 'Ziel',
  'code.viaEmail': 'E-Mail an',
  'code.viaSms': 'SMS an',
  'code.send': 'Code senden',
  'code.sending': 'Wird gesendet…',
  'code.sent': 'Wir haben einen Code an {destination} gesendet. Er ist {minutes} Minuten gültig.',
  'code.label': 'Code',
  'code.hint': 'Die {length} Ziffern aus der Nachricht.',
  'code.resend': 'Neuen Code senden',
  'code.resendIn': 'Neuen Code senden (in {seconds} s)',
  'code.chooseChannel': 'Wählen Sie, wohin der Code gesendet werden soll.',
  'code.wrongTitle': 'Dieser Code wurde nicht akzeptiert.',
  'code.wrong': 'Prüfen Sie den Code und versuchen Sie es erneut, oder fordern Sie einen neuen an.',

  'password.title': 'Neues Kennwort wählen',
  'password.intro':
    'Geben Sie Ihr neues Kennwort zweimal ein. Einfügen ist erlaubt, zum Beispiel aus einem Kennwort-Manager.',
  'password.new': 'Neues Kennwort',
  'password.confirm': 'Neues Kennwort bestätigen',
  'password.show': 'Anzeigen',
  'password.hide': 'Verbergen',
  'password.mismatch': 'Die beiden Kennwörter stimmen nicht überein.',
  'password.submit': 'Neues Kennwort festlegen',
  'password.submitting': 'Wird gespeichert…',
  'password.tryAnother': 'Bitte wählen Sie ein anderes Kennwort.',

  'policy.title': 'Ihr neues Kennwort:',
  'policy.minLength': 'hat mindestens {min} Zeichen',
  'policy.complexity': 'nutzt 3 davon: Großbuchstaben, Kleinbuchstaben, Ziffern, Sonderzeichen',
  'policy.match': 'ist zweimal gleich eingegeben',
  'policy.rules': 'Alle Regeln:',
  'policy.met': 'erfüllt',
  'policy.notMet': 'noch nicht erfüllt',

  'violation.MIN_LENGTH': 'Das Kennwort ist zu kurz.',
  'violation.MAX_LENGTH': 'Das Kennwort ist zu lang.',
  'violation.COMPLEXITY':
    'Das Kennwort braucht Zeichen aus mindestens 3 Gruppen: Großbuchstaben, Kleinbuchstaben, Ziffern, Sonderzeichen.',
  'violation.CONTAINS_NAME': 'Das Kennwort darf Ihren Benutzernamen oder Teile Ihres Namens nicht enthalten.',
  'violation.BANNED': 'Dieses Kennwort ist zu verbreitet und leicht zu erraten.',
  'violation.HISTORY': 'Dieses Kennwort haben Sie schon benutzt. Wählen Sie eines, das Sie länger nicht benutzt haben.',
  'violation.TOO_RECENT': 'Ihr Kennwort wurde erst vor kurzem geändert und kann noch nicht wieder geändert werden.',
  'violation.DIRECTORY_REFUSED': 'Das Verzeichnis hat dieses Kennwort abgelehnt. Wählen Sie ein anderes.',

  'unlock.title': 'Ihr Konto wird entsperrt',
  'unlock.intro': 'Sie sind bestätigt. Wir entsperren Ihr Konto.',
  'unlock.submit': 'Mein Konto entsperren',
  'unlock.working': 'Wird entsperrt…',

  'change.intro':
    'Geben Sie Ihren Benutzernamen und Ihr aktuelles Kennwort ein, dann zweimal Ihr neues Kennwort. Kennen Sie Ihr aktuelles Kennwort nicht, nutzen Sie „Kennwort zurücksetzen“.',
  'change.submit': 'Kennwort ändern',

  'done.changed.title': 'Ihr Kennwort wurde geändert',
  'done.changed.text': 'Ihr neues Kennwort gilt ab sofort.',
  'done.changed.unlocked': 'Ihr Konto wurde auch entsperrt.',
  'done.unlocked.title': 'Ihr Konto ist entsperrt',
  'done.unlocked.text': 'Sie können sich wieder mit Ihrem bisherigen Kennwort anmelden.',
  'done.notLocked.title': 'Ihr Konto war nicht gesperrt',
  'done.notLocked.text': 'Es gab nichts zu entsperren: Ihr Konto war nicht gesperrt.',
  'done.notLocked.next':
    'Können Sie sich trotzdem nicht anmelden, ist Ihr Kennwort vielleicht falsch oder abgelaufen: Wählen Sie mit „Kennwort zurücksetzen“ ein neues.',
  'done.nextTitle': 'Wie es weitergeht',
  'done.next.laptop':
    'Auf einem Firmen-Laptop: Verbinden Sie ihn mit dem Firmennetz oder VPN, sperren Sie ihn und entsperren Sie ihn mit dem neuen Kennwort, damit er es übernimmt.',
  'done.next.devices':
    'Ändern Sie das Kennwort auch auf Telefon, Tablet und in Mail-Apps, sonst sperren diese Ihr Konto mit dem alten Kennwort womöglich wieder.',
  'done.next.signIn': 'Melden Sie sich überall sonst mit dem neuen Kennwort an.',
  'done.next.signInOld': 'Melden Sie sich mit Ihrem bisherigen Kennwort an.',
  'done.next.forgot': 'Vergessen? Wählen Sie mit „Kennwort zurücksetzen“ ein neues.',

  'verify.intro':
    'Wir haben an jeden neuen Kontakt einen Code gesendet. Geben Sie ihn hier ein, um den Kontakt zu bestätigen, damit er für Codes genutzt werden kann.',
  'verify.label': 'An {destination} gesendeter Code',
  'verify.submit': 'Bestätigen',
  'verify.confirmed': 'bestätigt',
  'verify.done': '{destination} ist bestätigt.',
  'verify.wrong': 'Dieser Code stimmt nicht. Prüfen Sie ihn und versuchen Sie es erneut.',
  'verify.expired':
    'Dieser Code kann nicht mehr verwendet werden. Registrieren Sie sich erneut, um einen neuen zu erhalten.',

  'failed.title': 'Wir konnten Sie nicht bestätigen',
  'failed.text':
    'Die Selbstbedienung konnte Ihre Identität nicht bestätigen, daher wurde an Ihrem Konto nichts geändert. Aus Sicherheitsgründen sagen wir nicht, welcher Schritt nicht gepasst hat.',
  'failed.next':
    'Bitte wenden Sie sich an {helpdesk}: Dort kann man Sie auf anderem Weg bestätigen und Ihnen mit Ihrem Konto helfen. Weitere Versuche hier können die Selbstbedienung für Ihr Konto für einen Tag sperren.',

  'critical.expiredTitle': 'Ihre Sitzung ist beendet',
  'critical.nextTitle': 'Was Sie tun können',
  'critical.next.unavailable': 'Warten Sie einige Minuten und versuchen Sie es dann erneut.',
  'critical.next.expired':
    'Aus Sicherheitsgründen gilt eine Sitzung nur wenige Minuten und nur einmal. Bitte beginnen Sie von vorn.',
  'critical.next.internal': 'Versuchen Sie es erneut. Schlägt es wieder fehl, wenden Sie sich an den Helpdesk.',
  'critical.helpdesk': 'Passiert das wiederholt, wenden Sie sich an {helpdesk} und nennen Sie die Referenz unten.',
  'critical.startAgain': 'Neu beginnen',

  'menu.methods.title': 'Ihre Wiederherstellungsmethoden',
  'menu.methods.description':
    'Fügen Sie einen Passkey, eine Authenticator-App oder Wiederherstellungscodes hinzu, oder entfernen Sie sie.',
  'enroll.methodsHint': 'Sie können sich auch mit einer Authenticator-App oder mit Wiederherstellungscodes ausweisen:',
  'choose.title': 'Wie möchten Sie bestätigen, dass Sie es sind?',
  'choose.intro': 'Wählen Sie einen dieser Wege.',
  'choose.questions': 'Ihre Sicherheitsfragen beantworten',
  'choose.codeEmail': 'Einen Code an {destination} senden',
  'choose.codeSms': 'Eine SMS an {destination} senden',
  'choose.authenticator': 'Den Code aus Ihrer Authenticator-App eingeben',
  'choose.recoveryCode': 'Einen Wiederherstellungscode verwenden',
  'choose.passkey': 'Einen Passkey verwenden',
  'choose.another': 'Einen anderen Weg wählen',
  'authenticator.title': 'Code aus Ihrer Authenticator-App eingeben',
  'authenticator.intro':
    'Öffnen Sie die Authenticator-App, die Sie für dieses Konto hinzugefügt haben, und geben Sie den 6-stelligen Code ein, den sie gerade anzeigt.',
  'authenticator.label': 'Code aus der App',
  'authenticator.hint': '6 Ziffern, zum Beispiel 123 456.',
  'recoveryCode.title': 'Wiederherstellungscode verwenden',
  'recoveryCode.intro':
    'Geben Sie einen der Wiederherstellungscodes ein, die Sie gespeichert haben. Jeder Code gilt nur einmal.',
  'recoveryCode.label': 'Wiederherstellungscode',
  'recoveryCode.hint':
    '24 Buchstaben und Ziffern, zum Beispiel ABCD-EFGH-JKMN-PQRS-TVWX-YZ01. Leerzeichen und Bindestriche spielen keine Rolle.',
  'possession.wrong': 'Prüfen Sie den Code und versuchen Sie es erneut.',
  'passkeyStep.title': 'Einen Passkey verwenden',
  'passkeyStep.intro':
    'Ihr Browser bittet Sie, den Passkey zu wählen, den Sie für dieses Konto hinzugefügt haben, und mit Fingerabdruck, Gesicht, PIN oder Bildschirmsperre zu bestätigen.',
  'passkeyStep.submit': 'Meinen Passkey verwenden',
  'passkeyStep.notUsedTitle': 'Der Passkey wurde nicht verwendet.',
  'passkeyStep.wrongTitle': 'Dieser Passkey wurde nicht akzeptiert.',
  'passkeyStep.wrong': 'Versuchen Sie es erneut mit einem Passkey, den Sie für dieses Konto hinzugefügt haben.',
  'passkey.waiting': 'Warten auf Ihr Gerät…',
  'passkey.notAllowed':
    'Der Vorgang wurde abgebrochen oder hat zu lange gedauert, oder Ihr Gerät konnte nicht bestätigen, dass Sie es sind. Bitte versuchen Sie es erneut.',
  'passkey.exists':
    'Dieses Gerät hat bereits einen Passkey für Ihr Konto. Verwenden Sie ein anderes Gerät oder entfernen Sie zuerst den alten Passkey.',
  'passkey.unsupported':
    'Dieser Browser kann keine Passkeys verwenden. Verwenden Sie einen aktuellen Browser auf einem Gerät mit Bildschirmsperre.',
  'passkey.failed':
    'Ihr Browser konnte auf dieser Seite keinen Passkey verwenden. Bitte versuchen Sie es erneut oder verwenden Sie einen anderen Browser.',
  'methods.title': 'Ihre Wiederherstellungsmethoden',
  'methods.signIn.title': 'Anmelden',
  'methods.signIn.intro':
    'Melden Sie sich mit Benutzernamen und aktuellem Kennwort an, um die Wege zu sehen und zu ändern, mit denen Sie sich beim Zurücksetzen Ihres Kennworts ausweisen.',
  'methods.signIn.submit': 'Anmelden',
  'methods.signIn.working': 'Anmeldung läuft…',
  'methods.expired': 'Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.',
  'methods.overview.title': 'Was Ihr Konto hat',
  'methods.overview.intro':
    'Wir benachrichtigen Sie per E-Mail oder SMS, sobald eine Methode hinzugefügt oder entfernt wird.',
  'methods.questions.title': 'Sicherheitsfragen',
  'methods.questions.enrolled': 'Eingerichtet.',
  'methods.questions.none': 'Nicht eingerichtet.',
  'methods.questions.change': 'Auf der Seite „Registrieren“ einrichten',
  'methods.authenticator.title': 'Authenticator-App',
  'methods.authenticator.enrolled': 'Hinzugefügt am {date}.',
  'methods.authenticator.none':
    'Nicht eingerichtet. Eine Authenticator-App auf Ihrem Telefon zeigt alle 30 Sekunden einen neuen 6-stelligen Code.',
  'methods.authenticator.add': 'Authenticator-App hinzufügen',
  'methods.authenticator.remove': 'Authenticator-App entfernen',
  'methods.codes.title': 'Wiederherstellungscodes',
  'methods.codes.remaining': 'Verbleibende Codes: {count} (erstellt am {date}).',
  'methods.codes.none':
    'Nicht eingerichtet. Wiederherstellungscodes sind 10 Codes, die Sie ausdrucken oder sicher aufbewahren; jeder gilt einmal.',
  'methods.codes.create': 'Wiederherstellungscodes erstellen',
  'methods.codes.replace': 'Neue Codes erstellen (die alten werden ungültig)',
  'methods.codes.remove': 'Wiederherstellungscodes entfernen',
  'methods.codesShown.title': 'Speichern Sie Ihre Wiederherstellungscodes',
  'methods.codesShown.intro':
    'Diese Codes werden nur jetzt angezeigt. Drucken oder laden Sie sie herunter und bewahren Sie sie sicher auf, nicht bei Ihrem Computer. Jeder Code gilt einmal.',
  'methods.codesShown.listTitle': 'Wiederherstellungscodes für {username}',
  'methods.codesShown.print': 'Drucken',
  'methods.codesShown.download': 'Als Textdatei herunterladen',
  'methods.codesShown.fileNote': 'Erstellt am {date}. Jeder Code gilt einmal.',
  'methods.codesShown.saved': 'Ich habe diese Codes gespeichert',
  'methods.codesShown.savedRequired':
    'Bestätigen Sie, dass Sie die Codes gespeichert haben: Sie können nicht erneut angezeigt werden.',
  'methods.codesShown.done': 'Ihre neuen Wiederherstellungscodes sind aktiv.',
  'methods.setup.title': 'Authenticator-App hinzufügen',
  'methods.setup.scan': 'Öffnen Sie Ihre Authenticator-App, fügen Sie ein Konto hinzu und scannen Sie diesen QR-Code.',
  'methods.setup.qrAlt':
    'QR-Code, um Ihr Konto einer Authenticator-App hinzuzufügen. Wenn Sie ihn nicht scannen können, tippen Sie stattdessen den Schlüssel darunter ein.',
  'methods.setup.keyTitle': 'Scannen nicht möglich? Tippen Sie diesen Schlüssel in die App:',
  'methods.setup.copy': 'Schlüssel kopieren',
  'methods.setup.copied': 'Der Schlüssel wurde kopiert.',
  'methods.setup.copyFailed': 'Der Schlüssel konnte nicht kopiert werden. Markieren und kopieren Sie ihn selbst.',
  'methods.setup.codeLabel': 'Der 6-stellige Code, den die App gerade anzeigt',
  'methods.setup.submit': 'App hinzufügen',
  'methods.setup.wrong':
    'Dieser Code stimmt nicht. Prüfen Sie, ob die App dieses Konto anzeigt, und geben Sie den aktuellen Code ein.',
  'methods.setup.done': 'Ihre Authenticator-App wurde hinzugefügt.',
  'methods.remove.authenticatorTitle': 'Authenticator-App entfernen?',
  'methods.remove.authenticatorText':
    'Codes aus der App weisen Sie dann nicht mehr aus. Sie können jederzeit wieder eine App hinzufügen.',
  'methods.remove.codesTitle': 'Wiederherstellungscodes entfernen?',
  'methods.remove.codesText': 'Alle Ihre Wiederherstellungscodes werden ungültig. Sie können jederzeit neue erstellen.',
  'methods.remove.submit': 'Entfernen',
  'methods.remove.authenticatorDone': 'Ihre Authenticator-App wurde entfernt.',
  'methods.remove.codesDone': 'Ihre Wiederherstellungscodes wurden entfernt.',
  'methods.passkeys.title': 'Passkeys',
  'methods.passkeys.none':
    'Nicht eingerichtet. Mit einem Passkey weisen Sie sich per Fingerabdruck, Gesicht, PIN oder Bildschirmsperre aus, auf diesem Gerät oder Ihrem Telefon.',
  'methods.passkeys.added': 'Hinzugefügt am {date}.',
  'methods.passkeys.lastUsed': 'Zuletzt verwendet am {date}.',
  'methods.passkeys.neverUsed': 'Noch nicht verwendet.',
  'methods.passkeys.add': 'Passkey hinzufügen',
  'methods.passkeys.remove': 'Entfernen',
  'methods.passkeys.removeNamed': 'Passkey {name} entfernen',
  'methods.passkeys.limit':
    'Sie haben {max} Passkeys, die Höchstzahl für ein Konto. Entfernen Sie einen, um einen weiteren hinzuzufügen.',
  'methods.passkey.title': 'Passkey hinzufügen',
  'methods.passkey.intro':
    'Geben Sie dem Passkey einen Namen, an dem Sie ihn später erkennen. Ihr Browser bittet Sie dann, mit Fingerabdruck, Gesicht, PIN oder Bildschirmsperre zu bestätigen.',
  'methods.passkey.nameLabel': 'Name des Passkeys',
  'methods.passkey.nameHint': 'Zum Beispiel das Gerät, auf dem er liegt, etwa Arbeitslaptop. Höchstens {max} Zeichen.',
  'methods.passkey.submit': 'Passkey erstellen',
  'methods.passkey.failedTitle': 'Der Passkey wurde nicht hinzugefügt.',
  'methods.passkey.notVerified': 'Der Passkey konnte nicht geprüft werden. Bitte versuchen Sie es erneut.',
  'methods.passkey.done': 'Ihr Passkey „{name}“ wurde hinzugefügt.',
  'methods.remove.passkeyTitle': 'Passkey „{name}“ entfernen?',
  'methods.remove.passkeyText':
    'Er weist Sie dann nicht mehr aus. Um ihn auch von Ihrem Gerät zu löschen, entfernen Sie ihn in den Kennwort- oder Passkey-Einstellungen des Geräts.',
  'methods.remove.passkeyDone': 'Der Passkey „{name}“ wurde entfernt.',
  'methods.noRecovery.title': 'Sie können Ihr Kennwort noch nicht selbst zurücksetzen',
  'methods.noRecovery.text':
    'Was Ihr Konto jetzt hat, reicht nicht, um zu bestätigen, wer Sie sind. Fügen Sie unten Methoden hinzu, damit Sie Ihr Kennwort selbst zurücksetzen oder Ihr Konto entsperren können.',
  'methods.lastWayBack.title': 'Danach können Sie Ihr Kennwort nicht mehr selbst zurücksetzen',
  'methods.lastWayBack.text':
    'Nichts, was dann auf Ihrem Konto bleibt, reicht, um zu bestätigen, wer Sie sind. Vergessen Sie dann Ihr Kennwort, kann nur {helpdesk} helfen.',
  'methods.lastWayBack.confirm': 'Trotzdem entfernen',
  'methods.contacts.title': 'E-Mail und Mobilnummer für Codes',
  'methods.contacts.text':
    'Ein Code an eine bestätigte E-Mail-Adresse oder Mobilnummer kann auf eine Authenticator-App oder einen Wiederherstellungscode folgen.',
  'methods.contacts.change': 'Hinzufügen oder ändern',
  'contactsOnly.title': 'Ihre Kontakte für Codes',
  'contactsOnly.intro':
    'Melden Sie sich mit Ihrem aktuellen Benutzernamen und Kennwort an und geben Sie eine E-Mail-Adresse oder Mobilnummer an. Ein dorthin gesendeter Einmalcode kann nach einer Authenticator-App oder einem Wiederherstellungscode bestätigen, dass Sie es sind.',
  'contactsOnly.methodsHint':
    'Eine Authenticator-App, Wiederherstellungscodes oder einen Passkey richten Sie hier ein:',
  'contactsOnly.submit': 'Kontakte speichern',
  'contactsOnly.submitting': 'Wird gespeichert…',
  'contactsOnly.successTitle': 'Ihre Kontakte sind gespeichert',
  'contactsOnly.successText':
    'Bestätigen Sie jeden neuen Kontakt mit dem Code, der an ihn gesendet wurde. Damit Sie Ihr Kennwort zurücksetzen können, richten Sie auch Ihre Wiederherstellungsmethoden ein.',
  'contactsOnly.again': 'Sie können jederzeit zurückkommen, um Ihre Kontakte zu ändern.',
  'error.notEnrolledMethods': 'Für die Selbstbedienung brauchen Sie zuerst Ihre Wiederherstellungsmethoden:',
  'notMe.title': 'Eine Änderung melden, die Sie nicht vorgenommen haben',
  'notMe.intro':
    'Sie haben eine Nachricht erhalten, dass Ihr Kennwort zurückgesetzt oder geändert, Ihr Konto entsperrt oder Ihre Sicherheitsantworten oder Wiederherstellungsmethoden geändert wurden.',
  'notMe.what':
    'Wenn Sie das nicht waren, melden Sie es jetzt. Die Selbstbedienung wird dann für Ihr Konto gesperrt, sodass niemand damit Ihr Kennwort ändern kann, und Ihre IT wird alarmiert.',
  'notMe.submit': 'Melden',
  'notMe.working': 'Wird gemeldet…',
  'notMe.done': 'Danke, es ist gemeldet. Die Selbstbedienung ist für Ihr Konto gesperrt, und Ihre IT wurde alarmiert.',
  'notMe.expired': 'Dieser Link kann nicht mehr verwendet werden: Er wurde schon benutzt oder ist zu alt.',
  'notMe.noToken':
    'Dieser Link ist unvollständig. Öffnen Sie den Link aus der Nachricht noch einmal, oder kopieren Sie ihn ganz.',
  'notMe.contactNow': 'Wenden Sie sich jetzt an {helpdesk}: Dort hilft man Ihnen, Ihr Konto zu sichern.',
  'notMe.helpdesk': 'Fragen? Wenden Sie sich an {helpdesk}.',
};
