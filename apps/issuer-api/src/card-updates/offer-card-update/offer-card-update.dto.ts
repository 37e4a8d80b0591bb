import { IsOptional, IsString, IsUUID, Matches } from 'class-validator';
import { SERIAL } from '../../personalisation/worker-principal';

export class OfferCardUpdateDto {
  @IsString()
  @Matches(SERIAL)
  serial!: string;

  /** The GUID of the card's CHUID. */
  @IsOptional()
  @IsUUID()
  guid?: string;
}
