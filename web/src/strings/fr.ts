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
  'menu.comingSoon': 'Bientôt disponible',

  'comingSoon.text': 'Cette fonction n’est pas encore disponible. Elle sera bientôt ajoutée à ce site.',
  'comingSoon.meanwhile': 'En attendant, contactez votre support si vous avez besoin d’aide pour votre compte.',

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
  'critical.reference': 'Si le problème persiste, contactez votre support en indiquant cette référence :',
  'critical.tryAgain': 'Réessayer',
};
