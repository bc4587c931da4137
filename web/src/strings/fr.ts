import type { Strings } from './en.js';

export const fr: Strings = {
  'app.title': 'Libre-service mot de passe',
  'app.skipToContent': 'Aller au contenu',
  'app.language': 'Langue',
  'app.loading': 'Chargement…',
  'app.backToMenu': 'Retour au menu',

  'menu.title': 'Que souhaitez-vous faire ?',
  'menu.intro': 'Gérez vous-même le mot de passe de votre compte d’entreprise, à tout moment.',
  'menu.enroll.title': 'S’inscrire',
  'menu.enroll.description': 'Définissez vos questions de sécurité pour pouvoir vous dépanner plus tard.',
  'menu.reset.title': 'Réinitialiser le mot de passe',
  'menu.reset.description': 'Vous avez oublié votre mot de passe.',
  'menu.unlock.title': 'Déverrouiller le compte',
  'menu.unlock.description': 'Votre compte est verrouillé après trop de mots de passe erronés.',
  'menu.change.title': 'Changer le mot de passe',
  'menu.change.description': 'Vous connaissez votre mot de passe et en voulez un nouveau.',

  'enroll.title': 'S’inscrire au libre-service mot de passe',
  'enroll.intro':
    'Identifiez-vous avec votre nom d’utilisateur et votre mot de passe actuels, puis choisissez {count} questions de sécurité et répondez-y. Si vous oubliez plus tard votre mot de passe ou si votre compte est verrouillé, ces réponses prouveront votre identité.',
  'enroll.account.legend': 'Votre compte',
  'enroll.username': 'Nom d’utilisateur',
  'enroll.username.hint': 'Votre identifiant Windows, par exemple jsmith.',
  'enroll.username.required': 'Saisissez votre nom d’utilisateur.',
  'enroll.password': 'Mot de passe actuel',
  'enroll.questions.legend': 'Questions de sécurité',
  'enroll.questions.hint':
    'Choisissez {count} questions différentes. Chaque réponse doit compter au moins {min} et au plus {max} caractères, ne doit être ni un seul caractère répété ni la question elle-même, et doit différer de vos autres réponses. Les majuscules et les espaces en trop ne comptent pas.',
  'enroll.question': 'Question {number}',
  'enroll.question.placeholder': 'Choisissez une question…',
  'enroll.answer': 'Réponse {number}',
  'enroll.contacts.legend': 'Contact pour les codes de vérification',
  'enroll.contacts.hint':
    'Nous pouvons envoyer un code à usage unique à cette adresse ou à ce numéro lors d’une réinitialisation. Les nouveaux contacts doivent être confirmés avant d’être utilisés.',
  'enroll.email': 'Adresse e-mail',
  'enroll.email.hint': 'Une adresse personnelle joignable même sans connexion, par exemple nom@example.com.',
  'enroll.phone': 'Numéro de mobile',
  'enroll.phone.hint': 'Au format international, par exemple +15550100001.',
  'enroll.optional': '(facultatif)',
  'enroll.required': '(obligatoire)',
  'enroll.submit': 'S’inscrire',
  'enroll.submitting': 'Inscription…',
  'enroll.fixFields': 'Veuillez corriger les champs signalés.',
  'enroll.problemItem': '{label} : {problem}',
  'enroll.networkError': 'Le service est injoignable. Vérifiez votre connexion et réessayez.',
  'enroll.badCredentials.hint': 'Si votre compte est verrouillé, déverrouillez-le d’abord :',
  'enroll.badCredentials.unlock': 'Déverrouiller le compte',
  'enroll.badCredentials.forgot': 'Mot de passe oublié ?',
  'enroll.badCredentials.reset': 'Réinitialiser le mot de passe',
  'enroll.retryAfterShort': 'Vous pourrez réessayer {when}.',
  'enroll.retryAfter': 'Vous pourrez réessayer {when} (à {time}).',

  'reason.DISABLED': 'Votre compte est désactivé. Veuillez contacter votre support.',
  'reason.EXPIRED': 'Votre compte a expiré. Veuillez contacter votre support.',
  'reason.LOGON_HOURS':
    'Votre compte ne peut pas se connecter à cette heure-ci. Veuillez réessayer pendant vos heures de connexion autorisées.',
  'reason.WORKSTATION':
    'Votre compte ne peut se connecter que sur certains ordinateurs et ne peut donc pas utiliser le libre-service. Veuillez contacter votre support.',
  'reason.CANNOT_CHANGE_PASSWORD':
    'Votre compte n’est pas autorisé à changer son propre mot de passe. Veuillez contacter votre support.',
  'reason.MUST_CHANGE_PASSWORD':
    'Vous devez changer votre mot de passe avant de vous inscrire. Connectez-vous à Windows pour le changer, puis revenez.',
  'reason.PASSWORD_EXPIRED':
    'Votre mot de passe a expiré. Connectez-vous à Windows pour le changer, puis revenez vous inscrire.',
  'reason.PROTECTED_ACCOUNT':
    'Les comptes disposant de droits d’administration ne peuvent pas utiliser le libre-service. Veuillez contacter votre support.',
  'reason.NO_VERIFICATION_CHANNEL':
    'Le libre-service a besoin d’une adresse e-mail ou d’un numéro de mobile confirmé pour envoyer des codes, et votre compte n’en a pas encore.',

  'success.title': 'Vous êtes inscrit',
  'success.text':
    'Vos questions de sécurité sont enregistrées. Si vous oubliez votre mot de passe ou si votre compte est verrouillé, revenez sur ce site et choisissez « Réinitialiser le mot de passe » ou « Déverrouiller le compte ».',
  'success.questions': 'Vos questions :',
  'success.pending': 'Nouveaux contacts en attente de confirmation :',
  'success.pendingStatus': 'en attente de confirmation',
  'success.channel.email': 'E-mail',
  'success.channel.sms': 'Mobile (SMS)',
  'success.reenroll': 'Vous pouvez vous réinscrire à tout moment pour changer vos questions ou vos contacts.',

  'critical.title': 'Un problème est survenu',
  'critical.unavailableTitle': 'Le service est temporairement indisponible',
  'critical.reference': 'Votre référence pour le support :',
  'critical.tryAgain': 'Réessayer',

  'helpdesk.contact': 'votre support informatique',
  'idle.cleared':
    'Pour protéger vos données, la page a été effacée après 5 minutes sans activité. Veuillez recommencer.',
  'error.notEnrolled': 'Le libre-service a d’abord besoin de vos questions de sécurité :',
  'error.tryLater': 'Veuillez réessayer plus tard.',

  'flow.username.title': 'Qui êtes-vous ?',
  'flow.reset.intro':
    'Saisissez votre nom d’utilisateur. Vous confirmerez ensuite votre identité en une ou plusieurs étapes, par exemple avec vos questions de sécurité, une application d’authentification, un code de récupération ou un code que nous vous envoyons, puis choisirez un nouveau mot de passe.',
  'flow.unlock.intro':
    'Saisissez votre nom d’utilisateur. Vous confirmerez ensuite votre identité en une ou plusieurs étapes, par exemple avec vos questions de sécurité, une application d’authentification, un code de récupération ou un code que nous vous envoyons ; votre compte sera alors déverrouillé et votre mot de passe restera le même.',
  'flow.continue': 'Continuer',
  'flow.working': 'Veuillez patienter…',
  'flow.checking': 'Vérification…',
  'flow.cancel': 'Annuler',
  'flow.restarted':
    'Les étapes se sont mélangées, nous avons donc recommencé. Veuillez saisir votre nom d’utilisateur.',
  // Le nom utilisé à chaque étape, et ce qu’est la première étape (ticket 16, point 4).
  'flowName.reset': 'Réinitialisation du mot de passe de {username}.',
  'flowName.unlock': 'Déverrouillage du compte de {username}.',
  'flowName.notYou': 'Ce n’est pas vous ? Recommencer',
  'firstStep.question':
    'Ce sont les questions que vous avez choisies en configurant la réinitialisation du mot de passe.',
  'firstStep.choose': 'Ce sont les moyens que vous avez ajoutés en configurant la réinitialisation du mot de passe.',
  'firstStep.code':
    'Le code est envoyé à un contact enregistré pour ce nom : un contact que vous avez donné lors de la configuration, ou un contact que votre organisation conserve.',
  'firstStep.authenticator':
    'C’est l’application d’authentification que vous avez ajoutée en configurant la réinitialisation du mot de passe.',
  'firstStep.recoveryCode':
    'Ce sont les codes de récupération que vous avez enregistrés en configurant la réinitialisation du mot de passe.',
  'firstStep.passkey':
    'C’est une clé d’accès que vous avez ajoutée en configurant la réinitialisation du mot de passe.',
  'firstStep.never':
    'Jamais configuré, ou pas sûr que le nom soit le bon ? Vérifiez le nom ci-dessus ou contactez {helpdesk} : il peut vous vérifier autrement.',
  'firstStep.setUp':
    'Dès que vous pourrez vous reconnecter, configurez la réinitialisation sous « {setup} » pour vous dépanner seul la prochaine fois.',
  'flow.question.title': 'Question {index} sur {of}',
  'flow.question.intro':
    'Répondez comme lors de votre inscription. Les majuscules et les espaces en trop ne comptent pas.',

  'code.title': 'Confirmer avec un code',
  'code.intro': 'Choisissez où nous devons envoyer un code à usage unique, puis envoyez-le.',
  'code.introSent': 'Saisissez le code envoyé. S’il n’arrive pas, vous pouvez en demander un nouveau.',
  'code.channels': 'Envoyer le code à',
  'code.channelLabel': 'Destination',
  'code.viaEmail': 'E-mail à',
  'code.viaSms': 'SMS au',
  'code.send': 'Envoyer le code',
  'code.sending': 'Envoi…',
  'code.sent': 'Nous avons envoyé un code à {destination}. Il est valable {minutes} minutes.',
  'code.label': 'Code',
  'code.hint': 'Les {length} chiffres du message.',
  'code.resend': 'Envoyer un nouveau code',
  'code.resendIn': 'Envoyer un nouveau code (dans {seconds} s)',
  'code.chooseChannel': 'Choisissez où envoyer le code.',
  'code.wrongTitle': 'Ce code n’a pas été accepté.',
  'code.wrong': 'Vérifiez le code et réessayez, ou demandez-en un nouveau.',

  'password.title': 'Choisir un nouveau mot de passe',
  'password.intro':
    'Saisissez deux fois votre nouveau mot de passe. Le collage est autorisé, par exemple depuis un gestionnaire de mots de passe.',
  'password.new': 'Nouveau mot de passe',
  'password.confirm': 'Confirmer le nouveau mot de passe',
  'password.show': 'Afficher',
  'password.hide': 'Masquer',
  'password.mismatch': 'Les deux mots de passe ne sont pas identiques.',
  'password.submit': 'Définir le mot de passe',
  'password.submitting': 'Enregistrement…',
  'password.tryAnother': 'Veuillez choisir un autre mot de passe.',

  'policy.title': 'Votre nouveau mot de passe :',
  'policy.minLength': 'compte au moins {min} caractères',
  'policy.complexity': 'utilise 3 de ces groupes : majuscules, minuscules, chiffres, symboles',
  'policy.match': 'est saisi deux fois à l’identique',
  'policy.rules': 'Toutes les règles :',
  'policy.met': 'fait',
  'policy.notMet': 'pas encore',

  'violation.MIN_LENGTH': 'Le mot de passe est trop court.',
  'violation.MAX_LENGTH': 'Le mot de passe est trop long.',
  'violation.COMPLEXITY':
    'Le mot de passe doit contenir des caractères d’au moins 3 groupes : majuscules, minuscules, chiffres, symboles.',
  'violation.CONTAINS_NAME': 'Le mot de passe ne doit contenir ni votre nom d’utilisateur ni des parties de votre nom.',
  'violation.BANNED': 'Ce mot de passe est trop courant et facile à deviner.',
  'violation.HISTORY':
    'Vous avez déjà utilisé ce mot de passe. Choisissez-en un que vous n’avez pas utilisé récemment.',
  'violation.TOO_RECENT': 'Votre mot de passe a été changé trop récemment pour être changé de nouveau.',
  'violation.DIRECTORY_REFUSED': 'L’annuaire a refusé ce mot de passe. Choisissez-en un autre.',

  'unlock.title': 'Déverrouillage de votre compte',
  'unlock.intro': 'Votre identité est vérifiée. Nous déverrouillons votre compte.',
  'unlock.submit': 'Déverrouiller mon compte',
  'unlock.working': 'Déverrouillage…',

  'change.intro':
    'Saisissez votre nom d’utilisateur et votre mot de passe actuel, puis deux fois le nouveau. Si vous ne connaissez pas votre mot de passe actuel, utilisez « Réinitialiser le mot de passe ».',
  'change.submit': 'Changer le mot de passe',

  'done.changed.title': 'Votre mot de passe a été changé',
  'done.changed.text': 'Votre nouveau mot de passe fonctionne dès maintenant.',
  'done.changed.unlocked': 'Votre compte a aussi été déverrouillé.',
  'done.unlocked.title': 'Votre compte est déverrouillé',
  'done.unlocked.text': 'Vous pouvez de nouveau vous connecter avec votre mot de passe actuel.',
  'done.notLocked.title': 'Votre compte n’était pas verrouillé',
  'done.notLocked.text': 'Il n’y avait rien à déverrouiller : votre compte n’était pas verrouillé.',
  'done.notLocked.next':
    'Si vous ne pouvez toujours pas vous connecter, votre mot de passe est peut-être erroné ou expiré : utilisez « Réinitialiser le mot de passe » pour en choisir un nouveau.',
  'done.nextTitle': 'Et maintenant',
  'done.next.laptop':
    'Sur un ordinateur portable de l’entreprise : connectez-le au réseau de l’entreprise ou au VPN, puis verrouillez-le et déverrouillez-le avec le nouveau mot de passe pour qu’il l’apprenne.',
  'done.next.devices':
    'Mettez à jour le mot de passe sur votre téléphone, votre tablette et vos applications de messagerie, sinon elles risquent de verrouiller à nouveau votre compte avec l’ancien.',
  'done.next.signIn': 'Partout ailleurs, connectez-vous avec le nouveau mot de passe.',
  'done.next.signInOld': 'Connectez-vous avec le mot de passe que vous avez déjà.',
  'done.next.forgot': 'Vous l’avez oublié ? Utilisez « Réinitialiser le mot de passe » pour en choisir un nouveau.',

  'verify.intro':
    'Nous avons envoyé un code à chaque nouveau contact. Saisissez-le ici pour confirmer le contact, afin qu’il puisse recevoir des codes.',
  'verify.label': 'Code envoyé à {destination}',
  'verify.submit': 'Confirmer',
  'verify.confirmed': 'confirmé',
  'verify.done': '{destination} est confirmé.',
  'verify.wrong': 'Ce code n’est pas correct. Vérifiez-le et réessayez.',
  'verify.expired': 'Ce code ne peut plus être utilisé. Inscrivez-vous de nouveau pour en recevoir un nouveau.',

  'failed.title': 'Nous n’avons pas pu vous vérifier',
  'failed.text':
    'Le libre-service n’a pas pu confirmer votre identité, rien n’a donc été modifié sur votre compte. Pour votre sécurité, nous n’indiquons pas quelle étape n’a pas correspondu.',
  'failed.next':
    'Veuillez contacter {helpdesk} : il peut vous vérifier autrement et vous aider avec votre compte. D’autres essais ici peuvent bloquer le libre-service pour votre compte pendant une journée.',

  'critical.expiredTitle': 'Votre session est terminée',
  'critical.nextTitle': 'Ce que vous pouvez faire',
  'critical.next.unavailable': 'Patientez quelques minutes, puis réessayez.',
  'critical.next.expired':
    'Pour votre sécurité, une session ne dure que quelques minutes et ne sert qu’une fois. Veuillez recommencer depuis le début.',
  'critical.next.internal': 'Réessayez. Si cela échoue encore, contactez le support.',
  'critical.helpdesk': 'Si cela se reproduit, contactez {helpdesk} et donnez-lui la référence ci-dessous.',
  'critical.startAgain': 'Recommencer',

  'menu.methods.title': 'Vos méthodes de récupération',
  'menu.methods.description':
    'Ajoutez une clé d’accès, une application d’authentification ou des codes de récupération, ou retirez-les.',
  'enroll.methodsHint':
    'Vous pouvez aussi prouver votre identité avec une application d’authentification ou des codes de récupération :',
  'choose.title': 'Comment voulez-vous confirmer votre identité ?',
  'choose.intro': 'Choisissez l’un de ces moyens.',
  'choose.questions': 'Répondre à vos questions de sécurité',
  'choose.codeEmail': 'Envoyer un code à {destination}',
  'choose.codeSms': 'Envoyer un SMS au {destination}',
  'choose.authenticator': 'Saisir le code de votre application d’authentification',
  'choose.recoveryCode': 'Utiliser un code de récupération',
  'choose.passkey': 'Utiliser une clé d’accès',
  'choose.another': 'Utiliser un autre moyen',
  'authenticator.title': 'Saisissez le code de votre application d’authentification',
  'authenticator.intro':
    'Ouvrez l’application d’authentification ajoutée pour ce compte et saisissez le code à 6 chiffres qu’elle affiche maintenant.',
  'authenticator.label': 'Code de l’application',
  'authenticator.hint': '6 chiffres, par exemple 123 456.',
  'recoveryCode.title': 'Utilisez un code de récupération',
  'recoveryCode.intro':
    'Saisissez l’un des codes de récupération que vous avez conservés. Chaque code ne fonctionne qu’une fois.',
  'recoveryCode.label': 'Code de récupération',
  'recoveryCode.hint':
    '24 lettres et chiffres, par exemple ABCD-EFGH-JKMN-PQRS-TVWX-YZ01. Les espaces et les tirets ne comptent pas.',
  'possession.wrong': 'Vérifiez le code et réessayez.',
  'passkeyStep.title': 'Utiliser une clé d’accès',
  'passkeyStep.intro':
    'Votre navigateur vous demande de choisir la clé d’accès ajoutée pour ce compte, puis de confirmer avec votre empreinte, votre visage, votre code PIN ou le verrouillage de l’écran.',
  'passkeyStep.submit': 'Utiliser ma clé d’accès',
  'passkeyStep.notUsedTitle': 'La clé d’accès n’a pas été utilisée.',
  'passkeyStep.wrongTitle': 'Cette clé d’accès n’a pas été acceptée.',
  'passkeyStep.wrong': 'Réessayez avec une clé d’accès ajoutée pour ce compte.',
  'passkey.waiting': 'En attente de votre appareil…',
  'passkey.notAllowed':
    'L’opération a été annulée ou a expiré, ou votre appareil n’a pas pu confirmer que c’est bien vous. Veuillez réessayer.',
  'passkey.exists':
    'Cet appareil contient déjà une clé d’accès pour votre compte. Utilisez un autre appareil, ou retirez d’abord l’ancienne clé.',
  'passkey.unsupported':
    'Ce navigateur ne peut pas utiliser de clés d’accès. Utilisez un navigateur récent sur un appareil avec verrouillage de l’écran.',
  'passkey.failed':
    'Votre navigateur n’a pas pu utiliser de clé d’accès sur cette page. Veuillez réessayer, ou utilisez un autre navigateur.',
  'methods.title': 'Vos méthodes de récupération',
  'methods.signIn.title': 'Connexion',
  'methods.signIn.intro':
    'Connectez-vous avec votre nom d’utilisateur et votre mot de passe actuel pour voir et modifier les moyens de prouver votre identité lorsque vous réinitialisez votre mot de passe.',
  'methods.signIn.submit': 'Se connecter',
  'methods.signIn.working': 'Connexion…',
  'methods.expired': 'Votre session a expiré. Veuillez vous reconnecter.',
  'methods.overview.title': 'Ce que votre compte possède',
  'methods.overview.intro': 'Nous vous prévenons par e-mail ou SMS chaque fois qu’une méthode est ajoutée ou retirée.',
  'methods.questions.title': 'Questions de sécurité',
  'methods.questions.enrolled': 'Configurées.',
  'methods.questions.none': 'Non configurées.',
  'methods.questions.change': 'Les configurer sur la page « S’inscrire »',
  'methods.authenticator.title': 'Application d’authentification',
  'methods.authenticator.enrolled': 'Ajoutée le {date}.',
  'methods.authenticator.none':
    'Non configurée. Une application d’authentification sur votre téléphone affiche un nouveau code à 6 chiffres toutes les 30 secondes.',
  'methods.authenticator.add': 'Ajouter une application d’authentification',
  'methods.authenticator.remove': 'Retirer l’application d’authentification',
  'methods.codes.title': 'Codes de récupération',
  'methods.codes.remaining': 'Codes restants : {count} (créés le {date}).',
  'methods.codes.none':
    'Non configurés. Les codes de récupération sont 10 codes à imprimer ou à conserver en lieu sûr ; chacun fonctionne une fois.',
  'methods.codes.create': 'Créer des codes de récupération',
  'methods.codes.replace': 'Créer de nouveaux codes (les anciens ne fonctionneront plus)',
  'methods.codes.remove': 'Retirer les codes de récupération',
  'methods.codesShown.title': 'Conservez vos codes de récupération',
  'methods.codesShown.intro':
    'Ces codes ne sont affichés que maintenant. Imprimez-les ou téléchargez-les et gardez-les en lieu sûr, loin de votre ordinateur. Chaque code fonctionne une fois.',
  'methods.codesShown.listTitle': 'Codes de récupération de {username}',
  'methods.codesShown.print': 'Imprimer',
  'methods.codesShown.download': 'Télécharger en fichier texte',
  'methods.codesShown.fileNote': 'Créés le {date}. Chaque code fonctionne une fois.',
  'methods.codesShown.saved': 'J’ai conservé ces codes',
  'methods.codesShown.savedRequired':
    'Confirmez que vous avez conservé les codes : ils ne pourront plus être affichés.',
  'methods.codesShown.done': 'Vos nouveaux codes de récupération sont actifs.',
  'methods.setup.title': 'Ajouter une application d’authentification',
  'methods.setup.scan': 'Ouvrez votre application d’authentification, ajoutez un compte et scannez ce code QR.',
  'methods.setup.qrAlt':
    'Code QR pour ajouter votre compte à une application d’authentification. Si vous ne pouvez pas le scanner, saisissez plutôt la clé ci-dessous.',
  'methods.setup.keyTitle': 'Impossible de scanner ? Saisissez cette clé dans l’application :',
  'methods.setup.copy': 'Copier la clé',
  'methods.setup.copied': 'La clé a été copiée.',
  'methods.setup.copyFailed': 'La clé n’a pas pu être copiée. Sélectionnez-la et copiez-la vous-même.',
  'methods.setup.codeLabel': 'Le code à 6 chiffres affiché par l’application',
  'methods.setup.submit': 'Ajouter l’application',
  'methods.setup.wrong':
    'Ce code n’est pas correct. Vérifiez que l’application affiche ce compte et saisissez son code actuel.',
  'methods.setup.done': 'Votre application d’authentification a été ajoutée.',
  'methods.remove.authenticatorTitle': 'Retirer l’application d’authentification ?',
  'methods.remove.authenticatorText':
    'Les codes de l’application ne prouveront plus votre identité. Vous pourrez en ajouter une à tout moment.',
  'methods.remove.codesTitle': 'Retirer vos codes de récupération ?',
  'methods.remove.codesText':
    'Tous vos codes de récupération cesseront de fonctionner. Vous pourrez en créer de nouveaux à tout moment.',
  'methods.remove.submit': 'Retirer',
  'methods.remove.authenticatorDone': 'Votre application d’authentification a été retirée.',
  'methods.remove.codesDone': 'Vos codes de récupération ont été retirés.',
  'methods.passkeys.title': 'Clés d’accès',
  'methods.passkeys.none':
    'Non configurées. Avec une clé d’accès, vous prouvez votre identité avec votre empreinte, votre visage, votre code PIN ou le verrouillage de l’écran, sur cet appareil ou votre téléphone.',
  'methods.passkeys.added': 'Ajoutée le {date}.',
  'methods.passkeys.lastUsed': 'Dernière utilisation le {date}.',
  'methods.passkeys.neverUsed': 'Pas encore utilisée.',
  'methods.passkeys.add': 'Ajouter une clé d’accès',
  'methods.passkeys.remove': 'Retirer',
  'methods.passkeys.removeNamed': 'Retirer la clé d’accès {name}',
  'methods.passkeys.limit':
    'Vous avez {max} clés d’accès, le maximum pour un compte. Retirez-en une pour en ajouter une autre.',
  'methods.passkey.title': 'Ajouter une clé d’accès',
  'methods.passkey.intro':
    'Nommez la clé d’accès pour la reconnaître plus tard. Votre navigateur vous demande ensuite de confirmer avec votre empreinte, votre visage, votre code PIN ou le verrouillage de l’écran.',
  'methods.passkey.nameLabel': 'Nom de la clé d’accès',
  'methods.passkey.nameHint':
    'Par exemple l’appareil où elle se trouve, comme Portable du bureau. {max} caractères au plus.',
  'methods.passkey.submit': 'Créer la clé d’accès',
  'methods.passkey.failedTitle': 'La clé d’accès n’a pas été ajoutée.',
  'methods.passkey.notVerified': 'La clé d’accès n’a pas pu être vérifiée. Veuillez réessayer.',
  'methods.passkey.done': 'Votre clé d’accès « {name} » a été ajoutée.',
  'methods.remove.passkeyTitle': 'Retirer la clé d’accès « {name} » ?',
  'methods.remove.passkeyText':
    'Elle ne prouvera plus votre identité. Pour la supprimer aussi de votre appareil, retirez-la dans les réglages de mots de passe ou de clés d’accès de l’appareil.',
  'methods.remove.passkeyDone': 'La clé d’accès « {name} » a été retirée.',
  'methods.noRecovery.title': 'Vous ne pouvez pas encore réinitialiser votre mot de passe vous-même',
  'methods.noRecovery.text':
    'Ce que votre compte contient ne suffit pas à prouver votre identité. Ajoutez les méthodes ci-dessous pour pouvoir réinitialiser votre mot de passe ou débloquer votre compte vous-même.',
  'methods.lastWayBack.title': 'Ensuite, vous ne pourrez plus réinitialiser votre mot de passe vous-même',
  'methods.lastWayBack.text':
    'Rien de ce qui resterait sur votre compte ne suffirait à prouver votre identité. Si vous oubliez alors votre mot de passe, seul {helpdesk} pourra vous aider.',
  'methods.lastWayBack.confirm': 'Retirer quand même',
  'methods.contacts.title': 'E-mail et mobile pour les codes',
  'methods.contacts.text':
    'Un code envoyé à une adresse e-mail ou un numéro de mobile confirmé peut suivre une application d’authentification ou un code de récupération.',
  'methods.contacts.change': 'Les ajouter ou les modifier',
  'contactsOnly.title': 'Vos contacts pour les codes',
  'contactsOnly.intro':
    'Connectez-vous avec votre nom d’utilisateur et votre mot de passe actuels, puis indiquez une adresse e-mail ou un numéro de mobile. Un code à usage unique envoyé là peut confirmer que c’est bien vous, après une application d’authentification ou un code de récupération.',
  'contactsOnly.methodsHint':
    'Configurez une application d’authentification, des codes de récupération ou une clé d’accès sur',
  'contactsOnly.submit': 'Enregistrer les contacts',
  'contactsOnly.submitting': 'Enregistrement…',
  'contactsOnly.successTitle': 'Vos contacts sont enregistrés',
  'contactsOnly.successText':
    'Confirmez chaque nouveau contact avec le code qui lui a été envoyé. Pour pouvoir réinitialiser votre mot de passe, configurez aussi vos méthodes de récupération.',
  'contactsOnly.again': 'Vous pouvez revenir à tout moment pour modifier vos contacts.',
  'error.notEnrolledMethods': 'Le libre-service a d’abord besoin de vos méthodes de récupération :',
  'notMe.title': 'Signaler une modification que vous n’avez pas faite',
  'notMe.intro':
    'Vous avez reçu un message indiquant que votre mot de passe a été réinitialisé ou modifié, que votre compte a été déverrouillé, ou que vos réponses de sécurité ou méthodes de récupération ont changé.',
  'notMe.what':
    'Si ce n’était pas vous, signalez-le maintenant. Le libre-service est alors bloqué pour votre compte, afin que personne ne puisse l’utiliser pour changer votre mot de passe, et votre service informatique est alerté.',
  'notMe.submit': 'Signaler',
  'notMe.working': 'Signalement…',
  'notMe.done':
    'Merci, c’est signalé. Le libre-service est bloqué pour votre compte et votre service informatique a été alerté.',
  'notMe.expired': 'Ce lien ne peut plus être utilisé : il a déjà servi, ou il est trop ancien.',
  'notMe.noToken': 'Ce lien est incomplet. Ouvrez à nouveau le lien du message, ou copiez-le en entier.',
  'notMe.contactNow': 'Contactez {helpdesk} maintenant : ils vous aideront à sécuriser votre compte.',
  'notMe.helpdesk': 'Des questions ? Contactez {helpdesk}.',
};
