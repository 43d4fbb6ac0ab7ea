/** The add-on's public entry points; addon/build.ts gives each a top-level function. */
export { onOpen, onInstall, showSidebar, showHelp } from './menu.ts';
export { getSheetInfo, getSelection, detectColumns, runSegmentation, resumeRun, getProgress, cancelRun } from './sidebar.ts';
export {
  PYRAMID_SCORES, PYRAMID_RFM, PYRAMID_CLV, PYRAMID_TIER, PYRAMID_RETENTION, PYRAMID_NPS, PYRAMID_CSAT, PYRAMID_SATISFACTION,
} from './custom.ts';
export { insertSampleData } from './sample.ts';
