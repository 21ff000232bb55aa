import { route } from '../../../suno.mjs';

export const runtime = 'edge';
export const dynamic = 'force-dynamic';
export const GET = route;
export const POST = route;
