/**
 * Every sentence the API sends, per language. Keys are stable; parameters are {name} placeholders.
 * Field problems (core/errors.ts FieldProblem) and error messages are rendered from here by the HTTP layer.
 */
import type { ErrorCode } from './errors.js';
import type { Language } from './language.js';

type Catalog = Record<string, string>;

const en: Catalog = {
  'flow.invalid': 'This session id is not valid.',
  'code.format': 'Enter the {length}-digit code.',
  'channel.unknown': 'Choose one of the offered destinations.',
  'method.notOffered': 'This recovery method is not offered here.',
  'answers.notOffered': 'Security questions are not used here: leave the answers out.',
  'contact.requiredWithoutQuestions': 'Enter an e-mail address or a mobile number: they are what this page saves.',
  'enroll.nothingToEnroll': 'There is nothing to enroll here: set up your recovery methods instead.',
  'method.lastWayBack':
    'After this your account has no way left to reset its password by itself. To remove it anyway, confirm with "leave-no-recovery".',
  'passkey.name': 'Name the passkey: 1 to {max} characters.',
  'passkey.limit': 'An account holds at most {max} passkeys. Remove one first.',
  'passkey.id': 'Name one of your passkeys to remove.',
  'recoveryCode.format': 'Enter one of your recovery codes: 24 letters and digits, like ABCD-EFGH-JKMN-PQRS-TVWX-YZ01.',
  'method.unknown': 'Choose one of the offered ways.',
  'error.VALIDATION': 'Some of what was sent needs correcting.',
  'error.BAD_CREDENTIALS':
    'The username or password is not correct, or the account is locked. If it is locked, use Unlock account.',
  'error.NOT_ELIGIBLE': 'This account cannot use self-service.',
  'error.NOT_ENROLLED': 'This account is not enrolled for self-service.',
  'error.VERIFICATION_FAILED': 'We could not verify your identity.',
  'error.NOT_FOUND': 'There is nothing at this address.',
  'error.METHOD_NOT_ALLOWED': 'This address does not accept that method.',
  'error.WRONG_STEP': 'This request does not fit the current step.',
  'error.FLOW_EXPIRED': 'This session has ended. Please start again.',
  'error.PASSWORD_POLICY': 'The new password does not meet the password rules.',
  'error.BLOCKED': 'Self-service is blocked for this account for now.',
  'error.RATE_LIMITED': 'Too many attempts. Please wait and try again later.',
  'error.DIRECTORY_UNAVAILABLE': 'The directory is not answering. Please try again in a few minutes.',
  'error.INTERNAL': 'Something went wrong on our side. Please try again or contact the helpdesk.',

  'body.contentType': 'Send the request as JSON (content-type: application/json).',
  'body.tooLarge': 'The request is too large (at most {max} bytes).',
  'body.invalidJson': 'The request is not valid JSON.',
  'body.notObject': 'The request must be a JSON object.',
  'field.unknown': 'This field is not allowed.',
  'field.required': 'This field is required.',
  'field.type': 'This field has the wrong type.',
  'field.tooLong': 'This field is too long.',

  'username.invalid':
    'Enter your username as name, {netbios}\\name or name@{upnSuffix}; it may not contain " / \\ [ ] : ; | = , + * ? < > @.',
  'password.required': 'Enter your password.',
  'password.tooLong': 'The password can have at most {max} characters.',
  'password.controlCharacters': 'The password cannot contain control characters.',
  'answers.count': 'Answer exactly {count} questions.',
  'question.unknown': 'Choose a question from the list.',
  'question.duplicate': 'Choose a different question; each question can be used once.',
  'answer.required': 'Enter an answer.',
  'answer.tooShort': 'The answer must be at least {min} characters long.',
  'answer.tooLong': 'The answer must be at most {max} characters long.',
  'answer.repeatedCharacter': 'The answer must not be one character repeated.',
  'answer.isQuestion': 'The answer must not be the question itself.',
  'answer.duplicate': 'Each answer must be different from the others.',
  'email.invalid': 'Enter a valid e-mail address.',
  'email.off': 'E-mail addresses are not collected here.',
  'email.required': 'Enter an e-mail address.',
  'phone.invalid': 'Enter the mobile number in international format, for example +15550100001.',
  'phone.off': 'Mobile numbers are not collected here.',
  'phone.country': 'Text messages can only go to numbers starting with {countries}.',
  'phone.required': 'Enter a mobile number.',
  'contact.requiredForCodes': 'Enter an e-mail address or a mobile number to receive verification codes.',
};

const de: Catalog = {
  'flow.invalid': 'Diese Sitzungs-ID ist ungültig.',
  'code.format': 'Geben Sie den {length}-stelligen Code ein.',
  'channel.unknown': 'Wählen Sie eines der angebotenen Ziele.',
  'method.notOffered': 'Diese Wiederherstellungsmethode wird hier nicht angeboten.',
  'answers.notOffered': 'Sicherheitsfragen werden hier nicht verwendet: Lassen Sie die Antworten weg.',
  'contact.requiredWithoutQuestions':
    'Geben Sie eine E-Mail-Adresse oder Mobilnummer ein: Diese Seite speichert nur sie.',
  'enroll.nothingToEnroll':
    'Hier gibt es nichts zu registrieren: Richten Sie stattdessen Ihre Wiederherstellungsmethoden ein.',
  'method.lastWayBack':
    'Danach kann Ihr Konto sein Kennwort nicht mehr selbst zurücksetzen. Um es trotzdem zu entfernen, bestätigen Sie mit „leave-no-recovery“.',
  'passkey.name': 'Benennen Sie den Passkey: 1 bis {max} Zeichen.',
  'passkey.limit': 'Ein Konto hat höchstens {max} Passkeys. Entfernen Sie zuerst einen.',
  'passkey.id': 'Geben Sie einen Ihrer Passkeys zum Entfernen an.',
  'recoveryCode.format':
    'Geben Sie einen Ihrer Wiederherstellungscodes ein: 24 Buchstaben und Ziffern, etwa ABCD-EFGH-JKMN-PQRS-TVWX-YZ01.',
  'method.unknown': 'Wählen Sie einen der angebotenen Wege.',
  'error.VALIDATION': 'Einige Angaben müssen korrigiert werden.',
  'error.BAD_CREDENTIALS':
    'Benutzername oder Kennwort sind nicht korrekt, oder das Konto ist gesperrt. Ist es gesperrt, nutzen Sie „Konto entsperren“.',
  'error.NOT_ELIGIBLE': 'Dieses Konto kann die Selbstbedienung nicht nutzen.',
  'error.NOT_ENROLLED': 'Dieses Konto ist nicht für die Selbstbedienung registriert.',
  'error.VERIFICATION_FAILED': 'Ihre Identität konnte nicht bestätigt werden.',
  'error.NOT_FOUND': 'Unter dieser Adresse gibt es nichts.',
  'error.METHOD_NOT_ALLOWED': 'Diese Adresse nimmt diese Methode nicht an.',
  'error.WRONG_STEP': 'Diese Anfrage passt nicht zum aktuellen Schritt.',
  'error.FLOW_EXPIRED': 'Diese Sitzung ist beendet. Bitte beginnen Sie neu.',
  'error.PASSWORD_POLICY': 'Das neue Kennwort erfüllt die Kennwortregeln nicht.',
  'error.BLOCKED': 'Die Selbstbedienung ist für dieses Konto vorerst gesperrt.',
  'error.RATE_LIMITED': 'Zu viele Versuche. Bitte warten Sie und versuchen Sie es später erneut.',
  'error.DIRECTORY_UNAVAILABLE': 'Das Verzeichnis antwortet nicht. Bitte versuchen Sie es in einigen Minuten erneut.',
  'error.INTERNAL':
    'Bei uns ist ein Fehler aufgetreten. Bitte versuchen Sie es erneut oder wenden Sie sich an den Helpdesk.',

  'body.contentType': 'Senden Sie die Anfrage als JSON (content-type: application/json).',
  'body.tooLarge': 'Die Anfrage ist zu groß (höchstens {max} Bytes).',
  'body.invalidJson': 'Die Anfrage ist kein gültiges JSON.',
  'body.notObject': 'Die Anfrage muss ein JSON-Objekt sein.',
  'field.unknown': 'Dieses Feld ist nicht erlaubt.',
  'field.required': 'Dieses Feld ist erforderlich.',
  'field.type': 'Dieses Feld hat den falschen Typ.',
  'field.tooLong': 'Dieses Feld ist zu lang.',

  'username.invalid':
    'Geben Sie den Benutzernamen als name, {netbios}\\name oder name@{upnSuffix} ein; er darf " / \\ [ ] : ; | = , + * ? < > @ nicht enthalten.',
  'password.required': 'Geben Sie Ihr Kennwort ein.',
  'password.tooLong': 'Das Kennwort darf höchstens {max} Zeichen haben.',
  'password.controlCharacters': 'Das Kennwort darf keine Steuerzeichen enthalten.',
  'answers.count': 'Beantworten Sie genau {count} Fragen.',
  'question.unknown': 'Wählen Sie eine Frage aus der Liste.',
  'question.duplicate': 'Wählen Sie eine andere Frage; jede Frage kann nur einmal verwendet werden.',
  'answer.required': 'Geben Sie eine Antwort ein.',
  'answer.tooShort': 'Die Antwort muss mindestens {min} Zeichen lang sein.',
  'answer.tooLong': 'Die Antwort darf höchstens {max} Zeichen lang sein.',
  'answer.repeatedCharacter': 'Die Antwort darf nicht aus einem wiederholten Zeichen bestehen.',
  'answer.isQuestion': 'Die Antwort darf nicht die Frage selbst sein.',
  'answer.duplicate': 'Jede Antwort muss sich von den anderen unterscheiden.',
  'email.invalid': 'Geben Sie eine gültige E-Mail-Adresse ein.',
  'email.off': 'E-Mail-Adressen werden hier nicht erfasst.',
  'email.required': 'Geben Sie eine E-Mail-Adresse ein.',
  'phone.invalid': 'Geben Sie die Mobilnummer im internationalen Format ein, zum Beispiel +15550100001.',
  'phone.off': 'Mobilnummern werden hier nicht erfasst.',
  'phone.country': 'SMS können nur an Nummern gesendet werden, die mit {countries} beginnen.',
  'phone.required': 'Geben Sie eine Mobilnummer ein.',
  'contact.requiredForCodes': 'Geben Sie eine E-Mail-Adresse oder Mobilnummer für Bestätigungscodes ein.',
};

const fr: Catalog = {
  'flow.invalid': 'Cet identifiant de session n’est pas valide.',
  'code.format': 'Saisissez le code à {length} chiffres.',
  'channel.unknown': 'Choisissez l’une des destinations proposées.',
  'method.notOffered': 'Cette méthode de récupération n’est pas proposée ici.',
  'answers.notOffered': 'Les questions de sécurité ne sont pas utilisées ici : n’envoyez pas de réponses.',
  'contact.requiredWithoutQuestions':
    'Saisissez une adresse e-mail ou un numéro de mobile : c’est ce que cette page enregistre.',
  'enroll.nothingToEnroll': 'Il n’y a rien à enregistrer ici : configurez plutôt vos méthodes de récupération.',
  'method.lastWayBack':
    'Ensuite, votre compte n’aura plus aucun moyen de réinitialiser son mot de passe lui-même. Pour le retirer quand même, confirmez avec « leave-no-recovery ».',
  'passkey.name': 'Nommez la clé d’accès : 1 à {max} caractères.',
  'passkey.limit': 'Un compte a au plus {max} clés d’accès. Supprimez-en une d’abord.',
  'passkey.id': 'Indiquez l’une de vos clés d’accès à supprimer.',
  'recoveryCode.format':
    'Saisissez l’un de vos codes de récupération : 24 lettres et chiffres, comme ABCD-EFGH-JKMN-PQRS-TVWX-YZ01.',
  'method.unknown': 'Choisissez l’un des moyens proposés.',
  'error.VALIDATION': 'Certaines informations doivent être corrigées.',
  'error.BAD_CREDENTIALS':
    'Le nom d’utilisateur ou le mot de passe est incorrect, ou le compte est verrouillé. S’il est verrouillé, utilisez « Déverrouiller le compte ».',
  'error.NOT_ELIGIBLE': 'Ce compte ne peut pas utiliser le libre-service.',
  'error.NOT_ENROLLED': 'Ce compte n’est pas inscrit au libre-service.',
  'error.VERIFICATION_FAILED': 'Nous n’avons pas pu vérifier votre identité.',
  'error.NOT_FOUND': 'Il n’y a rien à cette adresse.',
  'error.METHOD_NOT_ALLOWED': 'Cette adresse n’accepte pas cette méthode.',
  'error.WRONG_STEP': 'Cette demande ne correspond pas à l’étape en cours.',
  'error.FLOW_EXPIRED': 'Cette session est terminée. Veuillez recommencer.',
  'error.PASSWORD_POLICY': 'Le nouveau mot de passe ne respecte pas les règles.',
  'error.BLOCKED': 'Le libre-service est bloqué pour ce compte pour le moment.',
  'error.RATE_LIMITED': 'Trop de tentatives. Veuillez patienter et réessayer plus tard.',
  'error.DIRECTORY_UNAVAILABLE': 'L’annuaire ne répond pas. Veuillez réessayer dans quelques minutes.',
  'error.INTERNAL': 'Une erreur s’est produite de notre côté. Veuillez réessayer ou contacter le support.',

  'body.contentType': 'Envoyez la demande en JSON (content-type: application/json).',
  'body.tooLarge': 'La demande est trop grande (au plus {max} octets).',
  'body.invalidJson': 'La demande n’est pas un JSON valide.',
  'body.notObject': 'La demande doit être un objet JSON.',
  'field.unknown': 'Ce champ n’est pas autorisé.',
  'field.required': 'Ce champ est obligatoire.',
  'field.type': 'Ce champ n’a pas le bon type.',
  'field.tooLong': 'Ce champ est trop long.',

  'username.invalid':
    'Saisissez votre nom d’utilisateur sous la forme nom, {netbios}\\nom ou nom@{upnSuffix} ; il ne peut pas contenir " / \\ [ ] : ; | = , + * ? < > @.',
  'password.required': 'Saisissez votre mot de passe.',
  'password.tooLong': 'Le mot de passe peut compter au plus {max} caractères.',
  'password.controlCharacters': 'Le mot de passe ne peut pas contenir de caractères de contrôle.',
  'answers.count': 'Répondez à exactement {count} questions.',
  'question.unknown': 'Choisissez une question dans la liste.',
  'question.duplicate': 'Choisissez une autre question ; chaque question ne peut servir qu’une fois.',
  'answer.required': 'Saisissez une réponse.',
  'answer.tooShort': 'La réponse doit compter au moins {min} caractères.',
  'answer.tooLong': 'La réponse doit compter au plus {max} caractères.',
  'answer.repeatedCharacter': 'La réponse ne doit pas être un seul caractère répété.',
  'answer.isQuestion': 'La réponse ne doit pas être la question elle-même.',
  'answer.duplicate': 'Chaque réponse doit être différente des autres.',
  'email.invalid': 'Saisissez une adresse e-mail valide.',
  'email.off': 'Les adresses e-mail ne sont pas collectées ici.',
  'email.required': 'Saisissez une adresse e-mail.',
  'phone.invalid': 'Saisissez le numéro de mobile au format international, par exemple +15550100001.',
  'phone.off': 'Les numéros de mobile ne sont pas collectés ici.',
  'phone.country': 'Les SMS ne peuvent être envoyés qu’aux numéros commençant par {countries}.',
  'phone.required': 'Saisissez un numéro de mobile.',
  'contact.requiredForCodes': 'Saisissez une adresse e-mail ou un numéro de mobile pour recevoir les codes.',
};

const catalogs: Record<Language, Catalog> = { en, de, fr };

/** Renders a message key in a language; unknown keys fall back to English, then to the key itself. */
export function message(language: Language, key: string, params: Record<string, string | number> = {}): string {
  const template = catalogs[language][key] ?? en[key] ?? key;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

export function errorMessage(language: Language, code: ErrorCode): string {
  return message(language, `error.${code}`);
}

/** Every key of every language, so a test can prove the catalogs stay complete. */
export function messageKeys(language: Language): string[] {
  return Object.keys(catalogs[language]);
}
