import { AppError, forbidden, notFound } from '../../shared/errors.ts';


export const pluginNotFound = (): AppError => notFound('WhatsApp plugin not found');
export const unknownTeam = (slug: string): AppError => notFound(`Unknown team "${slug}"`);
export const updateConfigForbidden = (): AppError => forbidden('Only ADMIN keys may change a plugin\'s settings');
export const invalidSettings = (problems: readonly string[]): AppError => new AppError('VALIDATION_FAILED', 400, problems);
export const phoneNumberNotFound = (phoneNumberId: string): AppError => notFound(`WhatsApp phone number ${phoneNumberId} is not one of this plugin's numbers`);
export const phoneNumberNotOfPlugin = (phoneNumberId: string): AppError =>
  new AppError('VALIDATION_FAILED', 400, `whatsappPhoneNumberId: ${phoneNumberId.slice(0, 40)} is not one of this plugin's numbers`);
export const wabaNotFound = (wabaId: string): AppError => notFound(`No WhatsApp plugin of this team has the WABA ${wabaId.slice(0, 40)}`);
export const templateNotFound = (templateId: string): AppError =>
  notFound(`Template ${templateId.slice(0, 40)} has not been seen through any of this team's plugins; list the templates first, or give ?pluginId=`);
export const phoneNumberUnknown = (phoneNumberId: string): AppError => notFound(`No WhatsApp plugin of this team has the phone number ${phoneNumberId.slice(0, 40)}`);
