import type { ClassValue } from 'clsx';
import { clsx } from 'clsx';
import { twMerge } from 'tailwind-merge';

/** Joins class values and lets later Tailwind classes win, so a caller's `class` overrides a primitive's. */
export function cn(...inputs: ClassValue[]): string {
  return twMerge(clsx(inputs));
}
