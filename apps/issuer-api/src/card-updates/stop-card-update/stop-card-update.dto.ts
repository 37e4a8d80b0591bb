import { IsIn, IsString, MaxLength } from 'class-validator';

export class StopCardUpdateDto {
  @IsIn(['interrupted', 'refused'])
  outcome!: 'interrupted' | 'refused';
  @IsString()
  @MaxLength(300)
  reason!: string;
}
