// Attachments in the client. The chat composes these into its Composer and Thread:
//   const uploads = createUploads(() => ticketId);
//   <AttachmentPicker onFiles={uploads.add} />  <UploadList uploads={uploads} />
//   useDropAndPaste(() => composerEl, uploads.add)      // drag-and-drop and pasted images
//   send with attachmentIds: uploads.readyIds(), wait while uploads.busy(), then uploads.clear()
//   <AttachmentView attachment={summary} /> for each of message.attachments
export { AttachmentPicker, type AttachmentPickerProps } from "./AttachmentPicker.tsx";
export { AttachmentView, type AttachmentViewProps } from "./AttachmentView.tsx";
export { UploadList } from "./UploadList.tsx";
export { VoiceRecorder } from "./VoiceRecorder.tsx";
export { createUploads, type UploadItem, type Uploads } from "./uploads.ts";
export { useDropAndPaste } from "./dropAndPaste.ts";
export { attachmentUrl, uploadAttachment } from "./api.ts";
