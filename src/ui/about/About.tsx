import { useState } from 'react';
import { Dialog } from '../common/Dialog';
import { ADVANCED_FIELDS, BASIC_FIELDS, SETTINGS_FIELDS } from '../training/settings';

/** What the app is, where its bundled data comes from, and what happens to your images. */
export function AboutContent() {
  return (
    <div className="about">
      <h3>Privacy</h3>
      <p>
        Everything happens on this device. Camera frames, captured and imported images, and the trained model are processed in this browser
        tab and stored in this browser&apos;s IndexedDB. Nothing is uploaded: the app has no server, loads nothing from other sites (its
        bundled files, such as the negative images, come from where the app itself is served), and its Content-Security-Policy forbids
        connections to other sites. Delete your samples in the galleries, or clear this site&apos;s data in the browser settings, to remove
        them.
      </p>
      <h3>How it works</h3>
      <p>
        You capture anchor and positive images of your face; photos of other people serve as negatives. A Siamese network (Koch, Zemel &amp;
        Salakhutdinov, 2015) learns from (anchor, positive) and (anchor, negative) pairs whether two faces are the same person. At
        verification time, the live frame is compared with your verification images and access is granted when enough of them match.
      </p>
      <p>
        Each twin of the network starts with a face model. The default, a face-recognition ResNet (dlib&apos;s, by Davis E. King, trained on
        about 3 million faces and released into the public domain), turns each face into 128 numbers after its eyes are levelled; only the
        small head that compares two faces trains on you, in seconds. The reference network of Koch et al. trains every layer on your
        captures instead: slow in a browser, and it tells strangers apart less well.
      </p>
      <h3>Several people</h3>
      <p data-testid="about-people">
        A household can enrol several people (the People bar beside the preview). Each has their own anchors, positives and verification
        images; one model learns them all, and learns to tell each from the others. A frame is granted to the one person whose own
        verification images it matches (or, when several match, to the clear best by the identification margin), and the overlay says who.
        The names are stored in this browser with the settings; an exported model records them, never any image.
      </p>
      <h3>Liveness check</h3>
      <p data-testid="about-liveness">
        With the liveness check on (the default; the Verify panel switches it), a face the network recognises is not enough: the overlay
        asks you to turn your head to your left or right, chosen at random, and grants access only after that turn. A flat picture moved,
        tilted or rotated in front of the camera keeps the geometry of its face; a real head turning does not. Its limits: a video of you
        turning your head would pass, and so could a mask; about 3 real turns in 100 are missed and must be tried again.
      </p>
      <h3>Training settings</h3>
      <dl className="about-settings">
        {[...BASIC_FIELDS, ...ADVANCED_FIELDS].map((field) => (
          <div key={field}>
            <dt>{SETTINGS_FIELDS[field].label}</dt>
            <dd>{SETTINGS_FIELDS[field].detail}</dd>
          </div>
        ))}
      </dl>
      <h3>Bundled negatives: Labeled Faces in the Wild</h3>
      <p>
        The negative images come from Labeled Faces in the Wild (LFW): Gary B. Huang, Manu Ramesh, Tamara Berg and Erik Learned-Miller,
        &ldquo;Labeled Faces in the Wild: A Database for Studying Face Recognition in Unconstrained Environments&rdquo;, University of
        Massachusetts, Amherst, Technical Report 07-49, October 2007.
      </p>
      <p>
        LFW is a research benchmark of photos of public figures collected from the web. It is used here only as examples of &ldquo;someone
        else&rdquo;; it is not representative of all people, and a model trained with it is a demonstration, not a security system.
      </p>
    </div>
  );
}

/** The header's About button and its dialog. */
export function AboutButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn btn-ghost" onClick={() => setOpen(true)} data-testid="about-open">
        About &amp; privacy
      </button>
      <Dialog open={open} title="About Siamese Face ID" onClose={() => setOpen(false)} className="dialog-wide" testId="about-dialog">
        <AboutContent />
      </Dialog>
    </>
  );
}
